using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class GeneratedPngTests
{
    [Fact]
    public void AGeneratedImageCarriesItsParametersAndItsPixels()
    {
        var image = Gradient();

        var png = GeneratedPng.Encode(image, "a red circle\nSteps: 4, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 6x4");

        Assert.Equal("a red circle\nSteps: 4, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 6x4", PngInfo.ReadParameters(png));
        using var decoded = Image.Load<Rgb24>(png);
        Assert.Equal((6, 4), (decoded.Width, decoded.Height));
        Assert.Equal(image[5, 3], decoded[5, 3]);
    }

    [Fact]
    public void TheBytesAreThoseOfThePngInfoEncoder()
    {
        var image = Gradient();
        using var copy = image.ToImage();

        Assert.Equal(PngInfo.Encode(copy, "x"), GeneratedPng.Encode(image, "x"));
        Assert.Equal(PngInfo.Encode(copy, []), GeneratedPng.EncodePreview(image));
    }

    [Fact]
    public void APreviewHasNoParameters()
    {
        Assert.Null(PngInfo.ReadParameters(GeneratedPng.EncodePreview(Gradient())));
    }

    private static RgbImage Gradient() =>
        new(6, 4, [.. Enumerable.Range(0, 24).Select(i => new Rgb24((byte)(i * 10), (byte)(255 - i * 10), (byte)(i % 6 * 40)))]);
}
