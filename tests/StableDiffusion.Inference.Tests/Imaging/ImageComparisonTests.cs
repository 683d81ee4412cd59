using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class ImageComparisonTests
{
    private const double C1 = 0.01 * 255 * 0.01 * 255;

    [Fact]
    public void AnImageIsFullySimilarToItself()
    {
        var image = Pattern(32, 24, (x, y) => (byte)((x * 37 + y * 91) % 256));

        Assert.Equal(1.0, ImageComparison.Ssim(image, image), 12);
        Assert.Equal(0.0, ImageComparison.MeanAbsoluteDifference(image, image));
    }

    [Fact]
    public void TwoFlatGreysScoreTheLuminanceTermAlone()
    {
        // No variance and no covariance: SSIM = (2 μx μy + C1) / (μx² + μy² + C1) in every window.
        var (a, b) = (Pattern(16, 16, (_, _) => 100), Pattern(16, 16, (_, _) => 120));

        Assert.Equal((2.0 * 100 * 120 + C1) / (100.0 * 100 + 120.0 * 120 + C1), ImageComparison.Ssim(a, b), 12);
        Assert.Equal(20.0 / 255, ImageComparison.MeanAbsoluteDifference(a, b), 12);
    }

    [Fact]
    public void ACheckerboardAndItsInverseHaveOppositeStructure()
    {
        var board = Pattern(24, 24, (x, y) => (byte)((x + y) % 2 == 0 ? 40 : 215));
        var inverse = Pattern(24, 24, (x, y) => (byte)((x + y) % 2 == 0 ? 215 : 40));
        var shifted = Pattern(24, 24, (x, y) => (byte)((x + y) % 2 == 0 ? 50 : 225));

        Assert.True(ImageComparison.Ssim(board, inverse) < 0);
        Assert.InRange(ImageComparison.Ssim(board, shifted), 0.95, 1);
        Assert.Equal(ImageComparison.Ssim(board, shifted), ImageComparison.Ssim(shifted, board), 12);
    }

    [Fact]
    public void ImagesOfDifferentSizesOrSmallerThanTheWindowAreRefused()
    {
        Assert.Throws<ArgumentException>(() => ImageComparison.Ssim(Pattern(16, 16, (_, _) => 0), Pattern(16, 17, (_, _) => 0)));
        Assert.Throws<ArgumentException>(() => ImageComparison.Ssim(Pattern(8, 8, (_, _) => 0), Pattern(8, 8, (_, _) => 0)));
    }

    private static RgbImage Pattern(int width, int height, Func<int, int, byte> grey)
    {
        var pixels = new Rgb24[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var value = grey(x, y);
                pixels[y * width + x] = new Rgb24(value, value, value);
            }
        }
        return new RgbImage(width, height, pixels);
    }
}
