using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>The owner's comparison as one labelled PNG (<see cref="ComparisonGridImage"/>). Not yours answers 404, exactly like missing.</summary>
public static class ComparisonFileEndpoints
{
    public static string GridUrl(Guid comparisonId, bool download = false) =>
        download ? $"/files/comparisons/{comparisonId}/grid.png?download=true" : $"/files/comparisons/{comparisonId}/grid.png";

    /// <summary>A grid's download name: its title and first seed ("two-red-squares-42.grid.png").</summary>
    public static string DownloadNameOf(ComparisonRecord comparison) =>
        DownloadName.For(comparison.Title, comparison.Jobs.OrderBy(j => j.CellRow).ThenBy(j => j.CellColumn).FirstOrDefault()?.Seed ?? 0, "grid.png");

    public static IEndpointRouteBuilder MapComparisonFiles(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/files/comparisons/{comparisonId:guid}/grid.png", async (Guid comparisonId, bool? download, HttpContext context, ComparisonService comparisons, ImageFileStore files) =>
        {
            var ownerId = context.User.StudioUserId();
            var comparison = ownerId is null ? null : await comparisons.GetAsync(ownerId, comparisonId, context.RequestAborted);
            if (comparison is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.XContentTypeOptions = "nosniff";
            // Cells fill in while the grid is being made: always fetch it anew.
            context.Response.Headers.CacheControl = "private, no-cache";
            return Results.File(ComparisonGridImage.Render(comparison, files), "image/png", download == true ? DownloadNameOf(comparison) : null);
        });
        return endpoints;
    }
}
