using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>Small, fast requests for the 64×64-or-smaller fixtures.</summary>
internal static class Requests
{
    public static GenerationSettings Small(long seed = 42, int steps = 4, string scheduler = "euler-a", double guidance = 7.5) => new()
    {
        Prompt = "a red circle on a blue square", NegativePrompt = "blurry", Seed = seed, Steps = steps, GuidanceScale = guidance,
        Scheduler = scheduler, Width = 48, Height = 32,
    };

    /// <summary>The pixels, to compare images.</summary>
    public static Rgb24[] Pixels(RgbImage image) => image.Pixels.ToArray();

    /// <summary>A 40×24 gradient PNG to start img2img from (resized to the request's size by the pipeline).</summary>
    public static byte[] GradientPng()
    {
        using var image = new Image<Rgb24>(40, 24);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 6), (byte)(y * 10), 128);
            }
        }
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
