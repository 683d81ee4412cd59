using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Api;

/// <summary>A standalone VAE or text encoder folder under models/, as <c>GET /api/v1/components</c> lists it.</summary>
/// <param name="Kind">"vae" or "text-encoder".</param>
/// <param name="Fits">The available models it fits, which a request may pair it with.</param>
/// <param name="Misfits">The other available models, each with the mismatch that refuses it.</param>
public sealed record ComponentResponse(string Name, string Kind, IReadOnlyList<string> Fits, IReadOnlyDictionary<string, string> Misfits)
{
    public static string KindName(ComponentKind kind) => kind == ComponentKind.Vae ? "vae" : "text-encoder";

    /// <summary>Every component the available models know, in name order.</summary>
    public static List<ComponentResponse> List(IReadOnlyList<ModelInfo> models)
    {
        var available = models.Where(m => m.IsAvailable).ToList();
        return [.. available.SelectMany(m => m.Components).Select(c => (c.Name, c.Kind)).Distinct().OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c =>
            {
                var seen = available.Select(m => (Model: m.Name, Fit: m.Components.FirstOrDefault(x => x.Name == c.Name && x.Kind == c.Kind)))
                    .Where(s => s.Fit is not null).ToList();
                return new ComponentResponse(c.Name, KindName(c.Kind),
                    [.. seen.Where(s => s.Fit!.Fits).Select(s => s.Model)],
                    seen.Where(s => !s.Fit!.Fits).ToDictionary(s => s.Model, s => s.Fit!.Misfit!));
            })];
    }
}
