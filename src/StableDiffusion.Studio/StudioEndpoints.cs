using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Health;
using StableDiffusion.Studio.Hubs;
using StableDiffusion.Studio.Sharing;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio;

public static class StudioEndpoints
{
    /// <summary>Everything outside the Blazor pages: image files, comparison grids, shared images, /healthz and the progress hub.</summary>
    public static IEndpointRouteBuilder MapStudioEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapImageFiles();
        endpoints.MapComparisonFiles();
        endpoints.MapShareImages();
        endpoints.MapHealth();
        endpoints.MapHub<GenerationHub>(GenerationHub.Path);
        return endpoints;
    }
}
