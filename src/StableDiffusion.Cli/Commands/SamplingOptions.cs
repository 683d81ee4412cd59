using System.CommandLine;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// The sampling settings shared by <c>generate</c> and <c>bench</c>; each one left out falls back to the model's
/// defaults.json.
/// </summary>
internal sealed class SamplingOptions
{
    public Option<int?> Steps { get; } = new("--steps") { Description = "Denoising steps (default: the model's)" };

    public Option<double?> Guidance { get; } = new("--guidance", "--cfg") { Description = "Classifier-free guidance scale; ≤ 1 disables the negative prompt (default: the model's)" };

    public Option<string?> Scheduler { get; } = new Option<string?>("--scheduler") { Description = "Sampler (default: the model's)" }.AcceptOnlyFromAmong([.. SamplerCatalog.Ids]);

    public Option<int?> Width { get; } = new("--width", "-W") { Description = "Image width, a multiple of 8 (default: the model's)" };

    public Option<int?> Height { get; } = new("--height", "-H") { Description = "Image height, a multiple of 8 (default: the model's)" };

    public IEnumerable<Option> All => [Steps, Guidance, Scheduler, Width, Height];

    /// <summary>The parsed settings, with the model's defaults in place of those not given.</summary>
    public ModelDefaults Resolve(ParseResult parsed, ModelDefaults defaults) => new(
        parsed.GetValue(Steps) ?? defaults.Steps,
        parsed.GetValue(Guidance) ?? defaults.GuidanceScale,
        parsed.GetValue(Scheduler) ?? defaults.Scheduler,
        parsed.GetValue(Width) ?? defaults.Width,
        parsed.GetValue(Height) ?? defaults.Height);
}
