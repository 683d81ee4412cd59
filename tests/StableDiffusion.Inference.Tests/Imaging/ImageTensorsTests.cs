using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class ImageTensorsTests
{
    [Fact]
    public void VaeOutputMapsToBytesAsDiffusersRounds()
    {
        // One row of 6 pixels; planes R, G, B. 0 -> 127.5 -> 128 (half to even); out of range clips; NaN is black.
        float[] r = [-1f, 1f, 0f, -3f, 3f, float.NaN];
        float[] g = [0.5f, -0.5f, 1f, 1f, 1f, 1f];
        float[] b = [-1f, -1f, -1f, -1f, -1f, -1f];

        var image = ImageTensors.ToImage([.. r, .. g, .. b], 6, 1);

        Assert.Equal((6, 1), (image.Width, image.Height));
        Assert.Equal(new Rgb24(0, 191, 0), image[0, 0]);
        Assert.Equal(new Rgb24(255, 64, 0), image[1, 0]);
        Assert.Equal(new Rgb24(128, 255, 0), image[2, 0]);
        Assert.Equal(0, image[3, 0].R);
        Assert.Equal(255, image[4, 0].R);
        Assert.Equal(0, image[5, 0].R);
    }

    [Fact]
    public void VectorisedConversionGivesTheBytesOfTheOneValueAtATimeFormula()
    {
        // diffusers' postprocess in float32, value by value: round(clip(x / 2 + 0.5, 0, 1) * 255), half to even, NaN black.
        static byte Reference(float value)
        {
            var unit = Math.Clamp(value / 2 + 0.5f, 0f, 1f);
            return float.IsNaN(unit) ? (byte)0 : (byte)MathF.Round(unit * 255f, MidpointRounding.ToEven);
        }
        var random = new Random(5);
        // More pixels than one chunk of the conversion, and a count that leaves a tail after the vectors.
        const int width = 97, height = 53;
        var chw = new float[3 * width * height];
        for (var i = 0; i < chw.Length; i++)
        {
            chw[i] = (float)(random.NextDouble() * 2.4 - 1.2);
        }
        // Exact halves after scaling (x = 2k/255 − 1 ± half a step), the ends, NaN and infinities.
        float[] edges = [-1f, 1f, 0f, 1f / 255f, -1f / 255f, 3f / 255f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -0f];
        edges.CopyTo(chw, 0);
        edges.CopyTo(chw, width * height + 5);
        edges.CopyTo(chw, chw.Length - edges.Length);

        var image = ImageTensors.ToImage(chw, width, height);

        var plane = width * height;
        for (var i = 0; i < plane; i++)
        {
            Assert.Equal(new Rgb24(Reference(chw[i]), Reference(chw[plane + i]), Reference(chw[2 * plane + i])), image[i % width, i / width]);
        }
    }

    [Fact]
    public void TensorOfImageIsChannelPlanesInMinusOneToOne()
    {
        using var image = new Image<Rgb24>(2, 1);
        image[0, 0] = new Rgb24(0, 255, 51);
        image[1, 0] = new Rgb24(255, 0, 102);

        var tensor = ImageTensors.ToTensor(image);

        Assert.Equal(new[] { -1f, 1f, 1f, -1f, -0.6f, -0.2f }, tensor, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void ImageSurvivesTensorRoundTrip()
    {
        using var image = new Image<Rgb24>(16, 8);
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 16), (byte)(y * 32), (byte)(x * y));
            }
        }

        var back = ImageTensors.ToImage(ImageTensors.ToTensor(image), 16, 8);

        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                Assert.Equal(image[x, y], back[x, y]);
            }
        }
    }

    [Fact]
    public void WrongTensorLengthIsRefused()
    {
        Assert.Throws<ArgumentException>(() => ImageTensors.ToImage(new float[10], 2, 2));
    }

    [Fact]
    public void ResizeStretchesToTheRequestedSizeAndKeepsFlatColour()
    {
        using var image = new Image<Rgb24>(100, 50, new Rgb24(10, 200, 30));

        using var resized = ImageTensors.Resize(image, 64, 64);

        Assert.Equal((64, 64), (resized.Width, resized.Height));
        Assert.Equal(new Rgb24(10, 200, 30), resized[32, 32]);
        Assert.Equal((100, 50), (image.Width, image.Height));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
