using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests;

public sealed class ModelDefaultsTests
{
    [Fact]
    public void StableDiffusion15DefaultsUseItsNativeSize()
    {
        var defaults = ModelDefaults.StableDiffusion15;
        Assert.Equal((512, 512), (defaults.Width, defaults.Height));
    }
}
