using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Inpainting;

/// <summary>Init images and masks drawn pixel by pixel, as PNG bytes.</summary>
internal static class Masks
{
    public static byte[] Solid(int width, int height, Rgb24 colour) => Png(width, height, (_, _) => colour);

    /// <summary>White inside the disc, black outside: what the brush paints.</summary>
    public static byte[] Disc(int width, int height, double centreX, double centreY, double radius) =>
        Png(width, height, (x, y) => Inside(x, y, centreX, centreY, radius) ? new Rgb24(255, 255, 255) : new Rgb24(0, 0, 0));

    public static bool Inside(int x, int y, double centreX, double centreY, double radius) =>
        Math.Pow(x + 0.5 - centreX, 2) + Math.Pow(y + 0.5 - centreY, 2) <= radius * radius;

    public static byte[] Png(int width, int height, Func<int, int, Rgb24> pixel)
    {
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = pixel(x, y);
            }
        }

        return Encode(image);
    }

    public static byte[] Encode<TPixel>(Image<TPixel> image)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    public static RgbImage Decode(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>Red: clearly more red than green and blue, as the model's red shapes are.</summary>
    public static bool IsRed(Rgb24 p) => p.R > 150 && p.G < 100 && p.B < 100;

    public static bool IsBlue(Rgb24 p) => p.B > 150 && p.R < 100 && p.G < 100;
}
