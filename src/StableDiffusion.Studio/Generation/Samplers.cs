using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Studio.Generation;

/// <summary>The library's sampler catalog as the studio's lists and forms use it.</summary>
public static class Samplers
{
    /// <summary>Scheduler id and A1111 display name, in the library's order.</summary>
    public static IReadOnlyList<(string Id, string Name)> All { get; } = SamplerCatalog.All.Select(s => (s.Id, s.DisplayName)).ToList();

    public static bool IsKnownId(string id) => SamplerCatalog.Ids.Contains(id);

    public static string NameOf(string id) => SamplerCatalog.All.FirstOrDefault(s => s.Id == id)?.DisplayName ?? id;

    /// <summary>An id, a display name ("DPM++ 2M Karras") or an A1111 sampler name with optional schedule type.</summary>
    public static string? IdOf(string nameOrId, string? scheduleType = null)
    {
        var text = nameOrId.Trim();
        if (SamplerCatalog.All.FirstOrDefault(s => string.Equals(s.Id, text, StringComparison.OrdinalIgnoreCase)
                                                   || (scheduleType is null && string.Equals(s.DisplayName, text, StringComparison.OrdinalIgnoreCase))) is { } entry)
        {
            return entry.Id;
        }

        return SamplerCatalog.TryFromA1111(text, scheduleType, out var id, out _) ? id : null;
    }
}
