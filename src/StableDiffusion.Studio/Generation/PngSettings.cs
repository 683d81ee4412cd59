using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The settings in a PNG's "parameters" text, as A1111's "PNG Info → Send to txt2img" (modules/infotext_utils.py)
/// reads them, so that a dropped image fills the form the way it was made.
/// </summary>
public static class PngSettings
{
    /// <summary>The image's settings, or null when it carries none (or is not a PNG).</summary>
    public static GenerationSettings? Read(byte[] png)
    {
        var text = PngInfo.ReadParameters(png);
        if (text is null || !Infotext.TryParse(text, out var info))
        {
            return null;
        }

        return new GenerationSettings
        {
            Prompt = info.Prompt,
            NegativePrompt = info.NegativePrompt,
            Seed = info.Seed,
            Steps = info.Steps,
            GuidanceScale = info.CfgScale,
            Scheduler = Samplers.IdOf(info.Sampler, info.ScheduleType) ?? "dpmpp-2m-karras",
            // No RNG key means A1111's default "GPU" source, on the NVIDIA cards its images nearly all come from.
            NoiseSource = Infotext.NoiseSourceOf(info.Rng),
            Width = info.Width,
            Height = info.Height,
            Model = info.Model ?? "",
        };
    }
}
