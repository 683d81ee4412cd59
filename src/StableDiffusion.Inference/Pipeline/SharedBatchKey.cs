namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// What jobs must agree on to step together in one shared batch: the model with its VAE and text encoder (one loaded
/// pipeline runs them), the latent size and the schedule (steps and scheduler), which fix every UNet call's shape and timestep. Prompts, negative prompts, emphasis, seeds, variation
/// seeds, noise source, CFG scale, speed (step caching decides per image), init image, strength and mask, batch size and
/// batch count may differ: they are each image's own (an img2img image joins the loop at its own strength's step).
/// </summary>
public sealed record SharedBatchKey(string Model, int Width, int Height, int Steps, string Scheduler, string? Vae = null, string? TextEncoder = null)
{
    /// <summary>The key of <paramref name="settings"/>, or null when they run alone: hires fix adds a second pass at another size.</summary>
    public static SharedBatchKey? Of(GenerationSettings settings) => settings.EnableHires
        ? null
        : new SharedBatchKey(settings.Model, settings.Width, settings.Height, settings.Steps, settings.Scheduler, settings.Vae, settings.TextEncoder);
}
