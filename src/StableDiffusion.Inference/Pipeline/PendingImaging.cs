using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace StableDiffusion.Inference.Pipeline;

internal static class PendingImaging
{
    public static float[] ToVaeInput(byte[] encoded, int width, int height)
    {
        using var image = Image.Load<Rgb24>(encoded);
        image.Mutate(x => x.Resize(width, height));
        var pixels = new float[3 * width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = image[x, y];
                pixels[0 * width * height + y * width + x] = p.R / 127.5f - 1;
                pixels[1 * width * height + y * width + x] = p.G / 127.5f - 1;
                pixels[2 * width * height + y * width + x] = p.B / 127.5f - 1;
            }
        }
        return pixels;
    }

    public static byte[] ToPng(float[] chw, int height, int width, string? parameters)
    {
        var rgb = new byte[3 * width * height];
        var plane = width * height;
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                rgb[i * 3 + c] = (byte)Math.Round(Math.Clamp(chw[c * plane + i] / 2 + 0.5f, 0, 1) * 255);
            }
        }
        return RgbToPng(rgb, width, height, parameters);
    }

    public static byte[] RgbToPng(byte[] rgb, int width, int height, string? parameters = null)
    {
        using var image = Image.LoadPixelData<Rgb24>(rgb, width, height);
        if (parameters is not null)
        {
            image.Metadata.GetPngMetadata().TextData.Add(new PngTextData("parameters", parameters, "", ""));
        }
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { TextCompressionThreshold = int.MaxValue });
        return stream.ToArray();
    }

    public static string Infotext(GenerationRequest r, long seed, StableDiffusionModel model) =>
        $"{r.Prompt}\nNegative prompt: {r.NegativePrompt}\nSteps: {r.Steps}, Sampler: {r.Scheduler}, CFG scale: {r.GuidanceScale}, Seed: {seed}, Size: {r.Width}x{r.Height}, Model hash: {model.Hash}, Model: {model.Name}";
}
