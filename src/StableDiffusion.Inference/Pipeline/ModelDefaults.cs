namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// Settings a model recommends (its folder's defaults.json), else SD 1.5's usual ones.
/// Distilled models (LCM, Turbo) need few steps and guidance ≤ 1.
/// </summary>
public sealed record ModelDefaults(int Steps, double GuidanceScale, string Scheduler, int Width, int Height)
{
    public static ModelDefaults StableDiffusion15 { get; } = new(20, 7.0, "dpmpp-2m-karras", 512, 512);
}
