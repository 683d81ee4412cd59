namespace StableDiffusion.Studio.Generation;

/// <summary>What a user asks for. Mutable so forms can bind to it; <see cref="SettingsValidator"/> checks it on the server.</summary>
public sealed class JobSettings
{
    public string Prompt { get; set; } = "";

    public string NegativePrompt { get; set; } = "";

    /// <summary>-1 picks a random seed in 0…2^32−1 at submission.</summary>
    public long Seed { get; set; } = -1;

    public int Steps { get; set; } = 20;

    public double GuidanceScale { get; set; } = 7;

    /// <summary>A scheduler id from <see cref="Samplers"/>.</summary>
    public string Scheduler { get; set; } = "dpmpp-2m-karras";

    /// <summary>A source id from <see cref="NoiseSources"/>: "CPU" (torch, the default) or "NV" (Philox).</summary>
    public string NoiseSource { get; set; } = NoiseSources.Cpu;

    public int Width { get; set; } = 512;

    public int Height { get; set; } = 512;

    public int BatchCount { get; set; } = 1;

    public string Model { get; set; } = "";

    /// <summary>Encoded PNG/JPEG/WebP for img2img; null for txt2img.</summary>
    public byte[]? InitImage { get; set; }

    /// <summary>img2img denoising strength in (0, 1].</summary>
    public double Strength { get; set; } = 0.75;

    public JobSettings Clone() => (JobSettings)MemberwiseClone();
}
