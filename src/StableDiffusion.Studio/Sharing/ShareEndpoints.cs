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
        return endpoints;
    }

    private static IResult Serve(HttpContext context, ImageFileStore files, string? relativePath)
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
        return Results.File(path, "image/png");
    }
}
