using StableDiffusion.Studio.Components.Layout;

namespace StableDiffusion.Studio.Tests.Layout;

public sealed class PixelScaleTests
{
    [Theory]
    [InlineData(64, 512)]
    [InlineData(96, 480)]
    [InlineData(512, 512)]
    [InlineData(768, 768)]
    public void TheFullViewIsAWholeMultipleOfTheImageNearFiveHundredTwelvePixels(int width, int shown) =>
        Assert.Equal(shown, PixelScale.DisplayWidth(width));

    [Fact]
    public void OnlyAnImageShownLargerThanItIsGetsNearestNeighbourScaling()
    {
        Assert.Equal("studio-pixelated", PixelScale.ClassFor(64, 512));
        Assert.Equal("", PixelScale.ClassFor(512, 512));
        Assert.Equal("", PixelScale.ClassFor(768, 240));
    }
}
