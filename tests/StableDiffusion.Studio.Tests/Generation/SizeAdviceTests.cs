using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class SizeAdviceTests
{
    private static readonly ModelDefaults Tiny = new(25, 2, "dpmpp-2m", 64, 64);

    [Theory]
    [InlineData(64, 64)]
    [InlineData(128, 128)]
    [InlineData(32, 128)]
    [InlineData(128, 64)]
    public void SizesWithinTwiceOrHalfTheModelsOwnGetNoWarning(int width, int height) => Assert.Null(SizeAdvice.Warning(Tiny, width, height));

    [Fact]
    public void FiveHundredTwelveOnASixtyFourPixelModelSaysItWillBeSlowAndLookWrong() =>
        Assert.Equal("This model was trained at 64×64; 512×512 will be slow and won't look right.", SizeAdvice.Warning(Tiny, 512, 512));

    [Fact]
    public void OneSideFarOffIsEnoughAndAMuchSmallerSizeIsNotCalledSlow()
    {
        Assert.Equal("This model was trained at 64×64; 136×64 will be slow and won't look right.", SizeAdvice.Warning(Tiny, 136, 64));
        Assert.Equal("This model was trained at 512×512; 64×64 won't look right.",
            SizeAdvice.Warning(ModelDefaults.StableDiffusion15, 64, 64));
    }
}
