using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Inpainting;

/// <summary>The studio's embedded model (models/tiny-shapes), loaded once per test class.</summary>
public sealed class EmbeddedModel : IDisposable
{
    public StableDiffusionModel Model { get; } =
        StableDiffusionModel.Load(Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes"), LoadedModels.Cpu);

    public void Dispose() => Model.Dispose();
}
