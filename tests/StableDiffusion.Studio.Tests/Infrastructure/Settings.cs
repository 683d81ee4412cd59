using StableDiffusion.Studio.Queue;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Tests.Infrastructure;

internal static class Settings
{
    public static GenerationSettings Valid(string prompt = "a red circle", string model = FakeImageGenerator.ModelName) => new()
    {
        Prompt = prompt,
        NegativePrompt = "blurry",
        Seed = 42,
        Steps = 4,
        GuidanceScale = 7,
        Scheduler = "euler",
        Width = 64,
        Height = 64,
        Model = model,
    };
}
