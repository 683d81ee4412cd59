using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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

        // Every byte is written below, so the array need not be cleared first (a 512² image is 768 KB). Sharing the chunks
        // among the cores measured slower: waking the thread pool costs more than the 0.8 ms this takes at 512².
        var pixels = GC.AllocateUninitializedArray<Rgb24>(plane);
        Span<byte> channels = stackalloc byte[3 * PixelsPerChunk];
        for (var chunk = 0; chunk * PixelsPerChunk < plane; chunk++)
        {
            ToPixels(chw, plane, pixels, chunk, channels);
        }
        return new RgbImage(width, height, pixels);
    }

    /// <summary>
    /// Chunk <paramref name="chunk"/> of <see cref="PixelsPerChunk"/> pixels: each channel's bytes made in one vector pass into
    /// <paramref name="channels"/> (three chunks' room, small enough to stay in the L1 cache), then the three interleaved. The
    /// values are read once and each byte written once.
    /// </summary>
    private static void ToPixels(ReadOnlySpan<float> chw, int plane, Rgb24[] pixels, int chunk, Span<byte> channels)
    {
        var first = chunk * PixelsPerChunk;
        var count = Math.Min(PixelsPerChunk, plane - first);
        var red = channels[..count];
        var green = channels.Slice(PixelsPerChunk, count);
        var blue = channels.Slice(2 * PixelsPerChunk, count);
        ToBytes(chw.Slice(first, count), red);
        ToBytes(chw.Slice(plane + first, count), green);
        ToBytes(chw.Slice(2 * plane + first, count), blue);
        Interleave(red, green, blue, MemoryMarshal.AsBytes(pixels.AsSpan(first, count)));
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

    private const int PixelsPerChunk = 4096;

    /// <summary>
    /// One channel's values to bytes: x · 0.5 + 0.5 (x / 2 and x · 0.5 are the same float), clamped to [0, 1], · 255, rounded
    /// half to even. The vectors make the same float32 operations in the same order as the scalar tail, so the bytes do not
    /// depend on the machine's vector width; NaN (an fp16 VAE overflowing) becomes 0.
    /// </summary>
    private static void ToBytes(ReadOnlySpan<float> values, Span<byte> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var source = ref MemoryMarshal.GetReference(values);
            ref var target = ref MemoryMarshal.GetReference(destination);
            for (; i <= values.Length - 4 * Vector256<float>.Count; i += 4 * Vector256<float>.Count)
            {
                var low = Vector256.Narrow(Rounded(ref source, i), Rounded(ref source, i + Vector256<float>.Count));
                var high = Vector256.Narrow(Rounded(ref source, i + 2 * Vector256<float>.Count), Rounded(ref source, i + 3 * Vector256<float>.Count));
                Vector256.Narrow(low.AsUInt16(), high.AsUInt16()).StoreUnsafe(ref target, (nuint)i);
            }
        }
        for (; i < values.Length; i++)
        {
            destination[i] = ToByte(MathF.Round(Math.Clamp(values[i] * 0.5f + 0.5f, 0f, 1f) * 255f, MidpointRounding.ToEven));
        }
    }

    /// <summary>Three planes of one channel each to R, G, B triples; the lengths are checked once, not at every byte.</summary>
    private static void Interleave(ReadOnlySpan<byte> red, ReadOnlySpan<byte> green, ReadOnlySpan<byte> blue, Span<byte> rgb)
    {
        if (green.Length != red.Length || blue.Length != red.Length || rgb.Length != 3 * red.Length)
        {
            throw new ArgumentException("Each plane needs one byte per pixel and the destination three.", nameof(rgb));
        }
        ref var r = ref MemoryMarshal.GetReference(red);
        ref var g = ref MemoryMarshal.GetReference(green);
        ref var b = ref MemoryMarshal.GetReference(blue);
        ref var target = ref MemoryMarshal.GetReference(rgb);
        var i = 0;
        if (Ssse3.IsSupported)
        {
            // 16 pixels at a time: each 16-byte third of their 48 RGB bytes gathers its bytes from the three planes with one
            // byte shuffle per plane (a lane marked 0x80 takes 0) and two ORs.
            for (; i <= red.Length - 16; i += 16)
            {
                var (rs, gs, bs) = (Vector128.LoadUnsafe(ref r, (nuint)i), Vector128.LoadUnsafe(ref g, (nuint)i), Vector128.LoadUnsafe(ref b, (nuint)i));
                for (var third = 0; third < 3; third++)
                {
                    var masks = InterleaveMasks[third];
                    (Ssse3.Shuffle(rs, masks.Red) | Ssse3.Shuffle(gs, masks.Green) | Ssse3.Shuffle(bs, masks.Blue))
                        .StoreUnsafe(ref target, (nuint)(3 * i + 16 * third));
                }
            }
        }
        for (; i < red.Length; i++)
        {
            ref var pixel = ref Unsafe.Add(ref target, 3 * i);
            pixel = Unsafe.Add(ref r, i);
            Unsafe.Add(ref pixel, 1) = Unsafe.Add(ref g, i);
            Unsafe.Add(ref pixel, 2) = Unsafe.Add(ref b, i);
        }
    }

    /// <summary>
    /// For each 16-byte third of 16 pixels' RGB bytes, which byte of each plane lands in each lane: byte k of the 48 is
    /// channel k % 3 of pixel k / 3; the other planes' masks hold 0x80 there.
    /// </summary>
    private static readonly (Vector128<byte> Red, Vector128<byte> Green, Vector128<byte> Blue)[] InterleaveMasks =
        [.. Enumerable.Range(0, 3).Select(third => (Mask(third, 0), Mask(third, 1), Mask(third, 2)))];

    private static Vector128<byte> Mask(int third, int channel)
    {
        Span<byte> lanes = stackalloc byte[16];
        for (var lane = 0; lane < 16; lane++)
        {
            var k = 16 * third + lane;
            lanes[lane] = k % 3 == channel ? (byte)(k / 3) : (byte)0x80;
        }
        return Vector128.Create((ReadOnlySpan<byte>)lanes);
    }

    /// <summary>Eight values from <paramref name="offset"/> as whole numbers in [0, 255] (NaN as 0).</summary>
    private static Vector256<int> Rounded(ref float source, int offset)
    {
        var unit = Vector256.LoadUnsafe(ref source, (nuint)offset) * 0.5f + Vector256.Create(0.5f);
        // NaN lanes are zeroed first: min and max differ between instruction sets in what they make of NaN.
        unit &= Vector256.Equals(unit, unit);
        var clamped = Vector256.Min(Vector256.Max(unit, Vector256<float>.Zero), Vector256<float>.One);
        return Vector256.ConvertToInt32(Vector256.Round(clamped * 255f));
    }

    /// <summary>A rounded value in [0, 255], or NaN, which becomes black rather than undefined.</summary>
    private static byte ToByte(float rounded) => float.IsNaN(rounded) ? (byte)0 : (byte)rounded;

    private static float ToUnit(byte value) => 2.0f * (value / 255.0f) - 1.0f;
}
