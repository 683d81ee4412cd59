using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

/// <summary>One studio on the real pipeline and the fixture models, shared by a test class.</summary>
public sealed class RealStudio : IDisposable
{
    public StudioFactory Studio { get; } = new() { RealModels = true };

    public void Dispose() => Studio.Dispose();
}
