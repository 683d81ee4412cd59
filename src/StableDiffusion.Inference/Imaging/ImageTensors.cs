using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace StableDiffusion.Inference.Imaging;

/// <summary>Between images and the VAE's float CHW tensors in [-1, 1].</summary>
public static class ImageTensors
{
    /// <summary>
    /// One decoded image (3 × height × width, values in [-1, 1]) to RGB, as diffusers' ONNX pipeline:
    /// <c>np.clip(image / 2 + 0.5, 0, 1)</c>, then <c>(images * 255).round()</c> (numpy rounds half to even).
    /// </summary>
    public static RgbImage ToImage(ReadOnlySpan<float> chw, int width, int height)
    {
        var plane = checked(width * height);
        if (width <= 0 || height <= 0 || chw.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected 3×{height}×{width} values, got {chw.Length}.", nameof(chw));
        }

        var pixels = new Rgb24[plane];
        for (var i = 0; i < plane; i++)
        {
            pixels[i] = new Rgb24(ToByte(chw[i]), ToByte(chw[plane + i]), ToByte(chw[2 * plane + i]));
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>RGB to 3 × height × width floats in [-1, 1], as diffusers' preprocess: <c>2 * (x / 255) - 1</c>.</summary>
    public static float[] ToTensor(Image<Rgb24> image)
    {
        var tensor = new float[3 * image.Width * image.Height];
        ToTensor(image, tensor);
        return tensor;
    }

    /// <inheritdoc cref="ToTensor(Image{Rgb24})"/>
    public static void ToTensor(Image<Rgb24> image, Span<float> destination)
    {
        var plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected room for {3 * plane} values, got {destination.Length}.", nameof(destination));
        }

        var pixels = new Rgb24[plane];
        image.CopyPixelDataTo(pixels);
        for (var i = 0; i < plane; i++)
        {
            destination[i] = ToUnit(pixels[i].R);
            destination[plane + i] = ToUnit(pixels[i].G);
            destination[2 * plane + i] = ToUnit(pixels[i].B);
        }
    }

    /// <summary>
    /// A copy stretched to the requested size with Lanczos, as diffusers' img2img preprocess and A1111's
    /// "Just resize" mode (<c>image.resize((w, h), resample=LANCZOS)</c>).
    /// </summary>
    public static Image<Rgb24> Resize(Image<Rgb24> image, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return image.Clone(context => context.Resize(width, height, KnownResamplers.Lanczos3));
    }

    private static byte ToByte(float value)
    {
        // float32 throughout, as numpy on a float32 array. NaN (an fp16 VAE overflowing) becomes black, not undefined.
        var unit = Math.Clamp(value / 2 + 0.5f, 0f, 1f);
        return float.IsNaN(unit) ? (byte)0 : (byte)MathF.Round(unit * 255f, MidpointRounding.ToEven);
    }

    private static float ToUnit(byte value) => 2.0f * (value / 255.0f) - 1.0f;
}
