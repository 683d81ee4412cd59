using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>The settings a person's new prompts start from: the ones people most often change from the model's.</summary>
public sealed record UserDefaults(int Steps, double GuidanceScale, string Scheduler, int Width, int Height)
{
    public static UserDefaults Of(GenerationSettings settings) =>
        new(settings.Steps, settings.GuidanceScale, settings.Scheduler, settings.Width, settings.Height);

    public GenerationSettings ApplyTo(GenerationSettings settings) =>
        settings with { Steps = Steps, GuidanceScale = GuidanceScale, Scheduler = Scheduler, Width = Width, Height = Height };
}
