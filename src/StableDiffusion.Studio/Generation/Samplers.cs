namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Scheduler ids of the inference library and the names A1111 shows for them
/// (modules/sd_samplers_kdiffusion.py, sd_samplers_timesteps.py), in the order the Sampler list shows them.
/// </summary>
public static class Samplers
{
    public static IReadOnlyList<(string Id, string Name)> All { get; } =
    [
        ("dpmpp-2m-karras", "DPM++ 2M Karras"),
        ("dpmpp-2m", "DPM++ 2M"),
        ("euler-a", "Euler a"),
        ("euler", "Euler"),
        ("lms", "LMS"),
        ("heun", "Heun"),
        ("ddim", "DDIM"),
        ("pndm", "PNDM"),
        ("ddpm", "DDPM"),
        ("lcm", "LCM"),
    ];

    public static bool IsKnownId(string id) => All.Any(s => s.Id == id);

    public static string NameOf(string id) => All.FirstOrDefault(s => s.Id == id).Name ?? id;

    /// <summary>Accepts an A1111 name (case-insensitive) or an id; A1111's split form "DPM++ 2M" + "Karras" is joined by callers.</summary>
    public static string? IdOf(string nameOrId)
    {
        var match = All.FirstOrDefault(s => string.Equals(s.Name, nameOrId, StringComparison.OrdinalIgnoreCase)
                                           || string.Equals(s.Id, nameOrId, StringComparison.OrdinalIgnoreCase));
        return match.Id;
    }
}
