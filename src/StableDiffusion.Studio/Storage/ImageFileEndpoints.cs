using System.IO.Compression;
using Microsoft.AspNetCore.Mvc;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;

namespace StableDiffusion.Studio.Storage;

/// <summary>The owner's PNGs by image id (never by file name). Not yours answers 404, exactly like missing.</summary>
public static class ImageFileEndpoints
{
    /// <summary>Images one ZIP may hold: a few gallery pages' worth, built in memory.</summary>
    public const int MaxZipImages = 200;

    public static string Url(Guid imageId, bool download = false) => download ? $"/files/images/{imageId}?download=true" : $"/files/images/{imageId}";

    public static string ZipUrl(IEnumerable<Guid> imageIds) => "/files/images.zip?" + string.Join("&", imageIds.Select(id => $"id={id}"));

    public static IEndpointRouteBuilder MapImageFiles(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/files/images/{imageId:guid}", async (Guid imageId, bool? download, HttpContext context, ImageLibrary library) =>
        {
            var ownerId = context.User.StudioUserId();
            var image = ownerId is null ? null : await library.GetAsync(ownerId, imageId, context.RequestAborted);
            var path = image is null ? null : library.FileOf(image);
            if (path is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "private, max-age=3600";
            return Results.File(path, "image/png", download == true ? DownloadName.For(image!.Job?.Prompt, image.Seed) : null);
        });

        endpoints.MapGet("/files/images.zip", async ([FromQuery(Name = "id")] Guid[] ids, HttpContext context, ImageLibrary library) =>
        {
            var ownerId = context.User.StudioUserId();
            if (ownerId is null || ids.Length == 0)
            {
                return Results.NotFound();
            }

            if (ids.Length > MaxZipImages)
            {
                return Results.Problem($"A ZIP holds at most {MaxZipImages} images; select fewer.", statusCode: StatusCodes.Status400BadRequest);
            }

            var images = await library.GetManyAsync(ownerId, ids.Distinct().ToList(), context.RequestAborted);
            var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var image in images)
                {
                    if (library.FileOf(image) is not { } path)
                    {
                        continue;
                    }

                    var name = DownloadName.For(image.Job?.Prompt, image.Seed);
                    for (var n = 2; !names.Add(name); n++)
                    {
                        name = DownloadName.For(image.Job?.Prompt, image.Seed, $"{n}.png");
                    }

                    // PNGs are already compressed: storing them is as small and much faster.
                    archive.CreateEntryFromFile(path, name, CompressionLevel.NoCompression);
                }
            }

            context.Response.Headers.CacheControl = "private, no-store";
            return Results.File(zip.ToArray(), "application/zip", $"studio-images-{DateTime.UtcNow:yyyyMMdd-HHmmss}.zip");
        });
        return endpoints;
    }
}
