using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
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

        // Plane by plane with vector operations (a 512² image is 786 432 values, on the worker's path); the same float32
        // operations in the same order as one value at a time, so the bytes are the same.
        var pixels = new Rgb24[plane];
        var bytes = MemoryMarshal.AsBytes(pixels.AsSpan());
        var rented = ArrayPool<float>.Shared.Rent(plane);
        try
        {
            var unit = rented.AsSpan(0, plane);
            for (var channel = 0; channel < 3; channel++)
            {
                // x / 2 and x · 0.5 are the same float; Max and Min keep NaN (an fp16 VAE overflowing), which the cast makes 0.
                TensorPrimitives.Multiply(chw.Slice(channel * plane, plane), 0.5f, unit);
                TensorPrimitives.Add(unit, 0.5f, unit);
                TensorPrimitives.Max(unit, 0f, unit);
                TensorPrimitives.Min(unit, 1f, unit);
                TensorPrimitives.Multiply(unit, 255f, unit);
                TensorPrimitives.Round(unit, MidpointRounding.ToEven, unit);
                for (var i = 0; i < plane; i++)
                {
                    bytes[3 * i + channel] = ToByte(unit[i]);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
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

    /// <summary>A rounded value in [0, 255], or NaN, which becomes black rather than undefined.</summary>
    private static byte ToByte(float rounded) => float.IsNaN(rounded) ? (byte)0 : (byte)rounded;

    private static float ToUnit(byte value) => 2.0f * (value / 255.0f) - 1.0f;
}
