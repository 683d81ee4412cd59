using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;

namespace StableDiffusion.Studio.Storage;

/// <summary>The owner's PNGs by image id (never by file name). Not yours answers 404, exactly like missing.</summary>
public static class ImageFileEndpoints
{
    public static string Url(Guid imageId, bool download = false) => download ? $"/files/images/{imageId}?download=true" : $"/files/images/{imageId}";

    public static IEndpointRouteBuilder MapImageFiles(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/files/images/{imageId:guid}", async (Guid imageId, bool? download, HttpContext context, ImageLibrary library) =>
        {
            var ownerId = context.User.StudioUserId();
            var path = ownerId is null ? null : await library.FindFileAsync(ownerId, imageId, context.RequestAborted);
            if (path is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "private, max-age=3600";
            // The file name is made here, from the id: no user text reaches a header.
            return Results.File(path, "image/png", download == true ? $"studio-{imageId:N}.png" : null);
        });
        return endpoints;
    }
}
