namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// What jobs must agree on to step together in one shared batch: the model with its VAE and text encoder (one loaded
/// pipeline runs them), the latent size and the schedule (steps and scheduler), which fix every UNet call's shape and timestep. Prompts, negative prompts, emphasis, seeds, variation
/// seeds, noise source, CFG scale, batch size and batch count may differ: they are each image's own.
/// </summary>
public sealed record SharedBatchKey(string Model, int Width, int Height, int Steps, string Scheduler, string? Vae = null, string? TextEncoder = null)
{
    /// <summary>
    /// The key of <paramref name="settings"/>, or null when they run alone: img2img and inpainting start each image from
    /// its own picture and strength, hires fix adds a second pass at another size, and Speed: Fast decides per image which
    /// steps run the UNet (step caching), which a shared step cannot follow.
    /// </summary>
    public static SharedBatchKey? Of(GenerationSettings settings) => settings.InitImage is not null || settings.Mask is not null || settings.EnableHires
        || settings.Speed == Speed.Fast
        ? null
        : new SharedBatchKey(settings.Model, settings.Width, settings.Height, settings.Steps, settings.Scheduler, settings.Vae, settings.TextEncoder);
}
