using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Sharing;

/// <summary>
/// The public image bytes behind a share link. Short public caching so a revocation takes effect within a minute;
/// nosniff and a sandboxing CSP so the bytes can only ever be an image.
/// </summary>
public static class ShareEndpoints
{
    public static string ImageUrl(string token) => $"/s/{token}/image";

    public static string CellUrl(string token, Guid imageId) => $"/s/{token}/images/{imageId}";

    /// <summary>The og:image: the image or the comparison's grid, at least <see cref="SharePreview.MinWidth"/> wide.</summary>
    public static string PreviewUrl(string token) => $"/s/{token}/preview.png";

    /// <summary>The shared image (or the comparison's grid) as a download named from its prompt and seed.</summary>
    public static string DownloadUrl(string token) => $"/s/{token}/download";

    public static IEndpointRouteBuilder MapShareImages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/s/{token}/image", async (string token, HttpContext context, ShareLinkService links, ImageFileStore files) =>
        {
            var link = await links.OpenAsync(token, context.RequestAborted);
            return Serve(context, files, link?.Image?.FilePath);
        });

        endpoints.MapGet("/s/{token}/images/{imageId:guid}", async (string token, Guid imageId, HttpContext context, ShareLinkService links, ImageFileStore files) =>
        {
            var link = await links.OpenAsync(token, context.RequestAborted);
            var image = link?.Comparison?.Jobs.SelectMany(j => j.Images).FirstOrDefault(i => i.Id == imageId);
            return Serve(context, files, image?.FilePath);
        });
        endpoints.MapGet("/s/{token}/preview.png", async (string token, HttpContext context, ShareLinkService links, ImageFileStore files) =>
        {
            var link = await links.OpenAsync(token, context.RequestAborted);
            var preview = Preview(link, files);
            return preview is null ? Serve(context, files, null) : ServeBytes(context, preview, null);
        });

        endpoints.MapGet("/s/{token}/download", async (string token, HttpContext context, ShareLinkService links, ImageFileStore files) =>
        {
            var link = await links.OpenAsync(token, context.RequestAborted);
            if (link?.Image is { } image)
            {
                return Serve(context, files, image.FilePath, DownloadName.For(image.Job?.Prompt, image.Seed));
            }

            // A comparison downloads as its grid with axis labels.
            return link?.Comparison is { } comparison
                ? ServeBytes(context, ComparisonGridImage.Render(comparison, files), ComparisonFileEndpoints.DownloadNameOf(comparison))
                : Serve(context, files, null);
        });
        return endpoints;
    }

    private static byte[]? Preview(ShareLinkRecord? link, ImageFileStore files)
    {
        try
        {
            return link switch
            {
                { Image: { } image } => SharePreview.Render(image, files),
                { Comparison: { } comparison } => SharePreview.Render(comparison, files),
                _ => null,
            };
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static IResult ServeBytes(HttpContext context, byte[] png, string? downloadName)
    {
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=60";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return Results.File(png, "image/png", downloadName);
    }

    private static IResult Serve(HttpContext context, ImageFileStore files, string? relativePath, string? downloadName = null)
    {
        var path = relativePath is null ? null : files.Find(relativePath);
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        if (path is null)
        {
            return Results.NotFound();
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=60";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return Results.File(path, "image/png", downloadName);
    }
}
