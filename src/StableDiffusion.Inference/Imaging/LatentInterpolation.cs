using StableDiffusion.Inference.Components;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// <c>torch.nn.functional.interpolate(x, size=(h, w), mode=…, antialias=…)</c> with <c>align_corners=False</c> on one
/// [C, H, W] latent: what A1111's latent upscalers ("Latent", "Latent (bicubic antialiased)"…) run on the first pass's
/// latents. Written out by hand from ATen's CPU kernels (native/UpSample.h, native/cpu/UpSampleKernel.cpp), since no
/// .NET library reproduces torch's index and weight rules. Separable: every output row and column is a weighted sum of
/// input rows and columns, computed per axis.
/// </summary>
public static class LatentInterpolation
{
    // upsample_bicubic2d's Keys constant; the antialiased kernel uses PIL's -0.5 instead.
    private const double CubicA = -0.75;
    private const double AntialiasCubicA = -0.5;

    /// <summary>The latent resized to <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static double[] Resize(ReadOnlySpan<double> latents, LatentShape shape, int height, int width, LatentInterpolationMode mode, bool antialias)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(latents.Length, shape.Length, nameof(latents));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var columns = Taps(shape.Width, width, mode, antialias);
        var rows = Taps(shape.Height, height, mode, antialias);

        // Along the width first, then along the height, as ATen's separable antialiased kernel does.
        var wide = new double[shape.Channels * shape.Height * width];
        for (var plane = 0; plane < shape.Channels * shape.Height; plane++)
        {
            var input = latents.Slice(plane * shape.Width, shape.Width);
            for (var x = 0; x < width; x++)
            {
                wide[plane * width + x] = columns[x].Apply(input, 1);
            }
        }

        var result = new double[shape.Channels * height * width];
        for (var c = 0; c < shape.Channels; c++)
        {
            var input = wide.AsSpan(c * shape.Height * width, shape.Height * width);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    result[(c * height + y) * width + x] = rows[y].Apply(input[x..], width);
                }
            }
        }

        return result;
    }

    /// <summary>The input indices and weights of one output index.</summary>
    private readonly record struct Tap(int[] Indices, double[] Weights)
    {
        public double Apply(ReadOnlySpan<double> input, int stride)
        {
            double sum = 0;
            for (var k = 0; k < Indices.Length; k++)
            {
                sum += input[Indices[k] * stride] * Weights[k];
            }

            return sum;
        }
    }

    private static Tap[] Taps(int inputSize, int outputSize, LatentInterpolationMode mode, bool antialias)
    {
        // area_pixel_compute_scale with align_corners=False and no scale factor given: input size / output size.
        var scale = (double)inputSize / outputSize;
        var taps = new Tap[outputSize];
        for (var i = 0; i < outputSize; i++)
        {
            taps[i] = (mode, antialias) switch
            {
                (LatentInterpolationMode.Nearest, _) => Single(Nearest(i, inputSize, outputSize)),
                (LatentInterpolationMode.NearestExact, _) => Single(NearestExact(i, inputSize, outputSize)),
                (LatentInterpolationMode.Bilinear, false) => Bilinear(i, inputSize, scale),
                (LatentInterpolationMode.Bicubic, false) => Bicubic(i, inputSize, scale),
                (LatentInterpolationMode.Bilinear, true) => Antialiased(i, inputSize, scale, 2, Triangle),
                (LatentInterpolationMode.Bicubic, true) => Antialiased(i, inputSize, scale, 4, x => Cubic(x, AntialiasCubicA)),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown interpolation mode."),
            };
        }

        return taps;
    }

    private static Tap Single(int index) => new([index], [1.0]);

    // nearest_idx: floorf(i · scale) in float, the scale in float too; exact halving is a shift.
    private static int Nearest(int i, int inputSize, int outputSize)
    {
        if (outputSize == inputSize)
        {
            return i;
        }

        if (outputSize == 2 * inputSize)
        {
            return i >> 1;
        }

        var scale = (float)inputSize / outputSize;
        return Math.Min((int)MathF.Floor(i * scale), inputSize - 1);
    }

    // nearest_neighbor_exact_compute_source_index: floorf((i + 0.5) · scale).
    private static int NearestExact(int i, int inputSize, int outputSize)
    {
        var scale = (float)inputSize / outputSize;
        return Math.Min((int)MathF.Floor((i + 0.5f) * scale), inputSize - 1);
    }

    // compute_source_index_and_lambda: source = max(scale·(i + 0.5) − 0.5, 0), its two neighbours, linear weights.
    private static Tap Bilinear(int i, int inputSize, double scale)
    {
        var real = Math.Max(scale * (i + 0.5) - 0.5, 0);
        var index0 = (int)real;
        var index1 = index0 + (index0 < inputSize - 1 ? 1 : 0);
        var lambda1 = Math.Clamp(real - index0, 0, 1);
        return new([index0, index1], [1 - lambda1, lambda1]);
    }

    // upsample_bicubic2d: source = scale·(i + 0.5) − 0.5 (not clamped), four neighbours clamped to the edge (replicate),
    // get_cubic_upsample_coefficients with A = −0.75.
    private static Tap Bicubic(int i, int inputSize, double scale)
    {
        var real = scale * (i + 0.5) - 0.5;
        var index = Math.Min((int)Math.Floor(real), inputSize - 1);
        var t = Math.Clamp(real - index, 0, 1);
        double[] weights = [Cubic(t + 1, CubicA), Cubic(t, CubicA), Cubic(1 - t, CubicA), Cubic(2 - t, CubicA)];
        int[] indices = [.. Enumerable.Range(index - 1, 4).Select(j => Math.Clamp(j, 0, inputSize - 1))];
        return new(indices, weights);
    }

    // _compute_indices_min_size_weights_aa (PIL's resampling): a filter stretched by the scale when shrinking, cut at
    // the edges and normalised to sum 1.
    private static Tap Antialiased(int i, int inputSize, double scale, int interpolationSize, Func<double, double> filter)
    {
        var support = scale >= 1.0 ? interpolationSize * 0.5 * scale : interpolationSize * 0.5;
        var maxTaps = (int)Math.Ceiling(support) * 2 + 1;
        var center = scale * (i + 0.5);
        var inverseScale = scale >= 1.0 ? 1.0 / scale : 1.0;
        // C's int64 casts truncate toward zero, as C#'s do.
        var min = Math.Max((int)(center - support + 0.5), 0);
        var size = Math.Clamp(Math.Min((int)(center + support + 0.5), inputSize) - min, 0, maxTaps);
        var weights = new double[size];
        for (var j = 0; j < size; j++)
        {
            weights[j] = filter((j + min - center + 0.5) * inverseScale);
        }

        var total = weights.Sum();
        if (total != 0)
        {
            for (var j = 0; j < size; j++)
            {
                weights[j] /= total;
            }
        }

        return new([.. Enumerable.Range(min, size)], weights);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1 ? 1 - x : 0;
    }

    // Keys' cubic convolution kernel (cubic_convolution1 for |x| < 1, cubic_convolution2 for 1 ≤ |x| < 2).
    private static double Cubic(double x, double a)
    {
        x = Math.Abs(x);
        return x < 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
            : x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
            : 0;
    }
}
