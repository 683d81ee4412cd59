using System.Diagnostics.CodeAnalysis;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// The scheduler ids: every id this project accepts, the scheduler each builds, and AUTOMATIC1111's sampler names and
/// schedule types for it, and back. Lists of ids elsewhere (CLI choices, error messages) come from <see cref="Ids"/>. Since A1111 1.9 the
/// schedule is a separate field (<c>Sampler: DPM++ 2M, Schedule type: Karras</c>); older infotexts and API
/// callers use the combined name (<c>DPM++ 2M Karras</c>), which <c>sd_samplers.get_sampler_and_scheduler</c>
/// splits. A1111's own default schedule for DPM++ 2M is Karras, so that sampler with no schedule type (or
/// "Automatic") is <c>dpmpp-2m-karras</c>; the plain timestep-uniform schedule is "Uniform".
/// </summary>
public static class SamplerCatalog
{
    public static IReadOnlyList<SamplerEntry> All { get; } =
    [
        new("ddim", "DDIM", null, "DDIM") { Create = (config, eta) => new DdimScheduler(config, eta) },
        new("pndm", "PNDM", null, "PNDM") { Create = (config, _) => new PndmScheduler(config) },
        new("euler", "Euler", null, "Euler") { Create = (config, _) => new EulerDiscreteScheduler(config) },
        new("euler-a", "Euler a", null, "Euler a") { Create = (config, _) => new EulerAncestralDiscreteScheduler(config), AddsNoiseEachStep = true },
        new("dpmpp-2m", "DPM++ 2M", "Uniform", "DPM++ 2M") { Create = (config, _) => DpmPlusPlus2M(config, karras: false) },
        new("dpmpp-2m-karras", "DPM++ 2M", "Karras", "DPM++ 2M Karras") { Create = (config, _) => DpmPlusPlus2M(config, karras: true) },
        new("lms", "LMS", null, "LMS") { Create = (config, _) => new LmsDiscreteScheduler(config) },
        new("lcm", "LCM", null, "LCM") { Create = (config, _) => new LcmScheduler(config), AddsNoiseEachStep = true },
        new("ddpm", "DDPM", null, "DDPM") { Create = (config, _) => new DdpmScheduler(config), AddsNoiseEachStep = true },
        new("heun", "Heun", null, "Heun") { Create = (config, _) => new HeunDiscreteScheduler(config) },
    ];

    public static IReadOnlyList<string> Ids { get; } = [.. All.Select(entry => entry.Id)];

    // A1111's sampler names and aliases (modules/sd_samplers_*.py), case-insensitive as its API lookup.
    private static readonly Dictionary<string, string> SamplerIds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DDIM"] = "ddim",
        ["PNDM"] = "pndm",
        ["PLMS"] = "pndm",
        ["Euler"] = "euler",
        ["k_euler"] = "euler",
        ["Euler a"] = "euler-a",
        ["k_euler_a"] = "euler-a",
        ["DPM++ 2M"] = "dpmpp-2m-karras",
        ["k_dpmpp_2m"] = "dpmpp-2m-karras",
        ["DPM++ 2M Karras"] = "dpmpp-2m-karras",
        ["k_dpmpp_2m_ka"] = "dpmpp-2m-karras",
        ["LMS"] = "lms",
        ["k_lms"] = "lms",
        ["LCM"] = "lcm",
        ["DDPM"] = "ddpm",
        ["Heun"] = "heun",
        ["k_heun"] = "heun",
    };

    /// <summary>How people know the scheduler (<c>DPM++ 2M Karras</c>); an unknown id is shown as it is.</summary>
    public static string DisplayNameOf(string id) => All.FirstOrDefault(entry => entry.Id == id)?.DisplayName ?? id;

    /// <exception cref="ArgumentException">The id is unknown.</exception>
    public static SamplerEntry Get(string id) =>
        All.FirstOrDefault(entry => entry.Id == id)
        ?? throw new ArgumentException($"Unknown scheduler '{id}'. Known schedulers: {string.Join(", ", Ids)}.", nameof(id));

    /// <summary>
    /// The scheduler id for whatever names a sampler: an id (any case), a display name (<c>DPM++ 2M Karras</c>) when no
    /// schedule type is given, or an A1111 sampler name with an optional schedule type; null when none of these fits.
    /// </summary>
    public static string? IdOf(string nameOrId, string? scheduleType = null)
    {
        var text = nameOrId.Trim();
        if (All.FirstOrDefault(entry => string.Equals(entry.Id, text, StringComparison.OrdinalIgnoreCase)
                                        || (scheduleType is null && string.Equals(entry.DisplayName, text, StringComparison.OrdinalIgnoreCase))) is { } found)
        {
            return found.Id;
        }

        return TryFromA1111(text, scheduleType, out var id, out _) ? id : null;
    }

    /// <summary>The scheduler id for an A1111 sampler name and optional schedule type (label or name, any case).</summary>
    /// <exception cref="ArgumentException">The sampler is unknown, or the schedule type is not available for it.</exception>
    public static string FromA1111(string samplerName, string? scheduleType = null) =>
        TryFromA1111(samplerName, scheduleType, out var id, out var error) ? id : throw new ArgumentException(error, nameof(samplerName));

    public static bool TryFromA1111(string? samplerName, string? scheduleType, [NotNullWhen(true)] out string? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        var name = samplerName?.Trim() ?? "";
        if (!SamplerIds.TryGetValue(name, out var samplerId))
        {
            error = $"Sampler '{samplerName}' not found. Available samplers: {string.Join(", ", All.Select(entry => entry.SamplerName).Distinct())} (PLMS is accepted for PNDM).";
            return false;
        }

        // "Uniform" is the timestep-uniform schedule the k-diffusion samplers use by default; only DPM++ 2M
        // switches between it and Karras. The combined old-style name already fixes Karras.
        var schedule = scheduleType?.Trim() ?? "";
        var combinedKarras = name.Equals("DPM++ 2M Karras", StringComparison.OrdinalIgnoreCase) || name.Equals("k_dpmpp_2m_ka", StringComparison.OrdinalIgnoreCase);
        id = samplerId switch
        {
            _ when schedule.Length == 0 || Is(schedule, "Automatic") => samplerId,
            "dpmpp-2m-karras" when Is(schedule, "Karras") => samplerId,
            "dpmpp-2m-karras" when Is(schedule, "Uniform") && !combinedKarras => "dpmpp-2m",
            "euler" or "euler-a" or "lms" or "heun" when Is(schedule, "Uniform") => samplerId,
            _ => null,
        };
        if (id is null)
        {
            var available = samplerId switch
            {
                "dpmpp-2m-karras" when combinedKarras => "Automatic or Karras",
                "dpmpp-2m-karras" => "Automatic, Karras or Uniform",
                "euler" or "euler-a" or "lms" or "heun" => "Automatic or Uniform",
                _ => "Automatic",
            };
            error = $"Schedule type '{scheduleType}' is not available for sampler '{samplerName}' (use {available}).";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>diffusers' DPMSolverMultistepScheduler as A1111's DPM++ 2M: <c>dpmsolver++</c> of order 2, with Karras sigmas or not.</summary>
    private static DpmSolverMultistepScheduler DpmPlusPlus2M(SchedulerConfig config, bool karras) =>
        new(config with { AlgorithmType = "dpmsolver++", SolverOrder = 2, UseKarrasSigmas = karras });

    private static bool Is(string value, string label) => value.Equals(label, StringComparison.OrdinalIgnoreCase);
}
