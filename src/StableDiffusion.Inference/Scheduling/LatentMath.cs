using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>The elementwise latent arithmetic the schedulers share, on spans.</summary>
internal static class LatentMath
{
    /// <summary>destination = a·x + b·y; <paramref name="destination"/> may be <paramref name="x"/> or <paramref name="y"/>.</summary>
    /// <remarks>
    /// One pass, each element read before it is written, so the destination may be either input. At 512² a latent is
    /// 128 KB of doubles and a scheduler step makes several of these: one pass instead of a multiply and a multiply-add
    /// halves the memory traffic. The sum is a·x + b·y in either order (addition is commutative in floating point too),
    /// so the values are those of the two passes.
    /// </remarks>
    public static void Combine(double a, ReadOnlySpan<double> x, double b, ReadOnlySpan<double> y, Span<double> destination)
    {
        if (x.Length != destination.Length || y.Length != destination.Length)
        {
            throw new ArgumentException("x, y and the destination must have the same length.", nameof(destination));
        }
        if (destination.Overlaps(y) && destination.Overlaps(x))
        {
            // x and y are the same span as destination: a·x + b·x.
            TensorPrimitives.Multiply(x, a + b, destination);
            return;
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var xs = ref MemoryMarshal.GetReference(x);
            ref var ys = ref MemoryMarshal.GetReference(y);
            ref var target = ref MemoryMarshal.GetReference(destination);
            var (va, vb) = (Vector256.Create(a), Vector256.Create(b));
            for (; i <= destination.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                (Vector256.LoadUnsafe(ref xs, (nuint)i) * va + Vector256.LoadUnsafe(ref ys, (nuint)i) * vb).StoreUnsafe(ref target, (nuint)i);
            }
        }
        for (; i < destination.Length; i++)
        {
            destination[i] = a * x[i] + b * y[i];
        }
    }

    /// <summary>destination += b·y.</summary>
    public static void AddScaled(Span<double> destination, double b, ReadOnlySpan<double> y) =>
        TensorPrimitives.MultiplyAdd(y, b, destination, destination);

    /// <summary>destination += b·noise, the noise drawn as float32 as diffusers' <c>randn_tensor</c> does.</summary>
    public static void AddScaled(Span<double> destination, double b, ReadOnlySpan<float> noise)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] += b * noise[i];
        }
    }

    /// <summary>Draws one noise tensor the size of <paramref name="length"/> (one torch.randn call).</summary>
    public static float[] DrawNoise(Randomness.INoiseGenerator generator, int length)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var noise = new float[length];
        generator.Fill(noise);
        return noise;
    }

    /// <summary>
    /// x₀ from a σ-parameterised model output (diffusers' Euler/LMS/Heun <c>step</c>):
    /// ε: x − σ·ε; v: v·(−σ/√(σ²+1)) + x/(σ²+1); sample: the output itself.
    /// </summary>
    public static void PredictOriginalFromSigma(PredictionType type, double sigma, ReadOnlySpan<double> modelOutput, ReadOnlySpan<double> sample, Span<double> destination)
    {
        switch (type)
        {
            case PredictionType.Epsilon:
                Combine(1, sample, -sigma, modelOutput, destination);
                break;
            case PredictionType.VPrediction:
                Combine(-sigma / Math.Sqrt(sigma * sigma + 1), modelOutput, 1 / (sigma * sigma + 1), sample, destination);
                break;
            default:
                modelOutput.CopyTo(destination);
                break;
        }
    }

    /// <summary>
    /// x₀ from an ᾱ-parameterised model output (diffusers' DDIM/DDPM/LCM <c>step</c>):
    /// ε: (x − √(1−ᾱ)·ε)/√ᾱ; v: √ᾱ·x − √(1−ᾱ)·v; sample: the output itself.
    /// </summary>
    public static void PredictOriginalFromAlpha(PredictionType type, double alphaProd, ReadOnlySpan<double> modelOutput, ReadOnlySpan<double> sample, Span<double> destination)
    {
        var sqrtAlpha = Math.Sqrt(alphaProd);
        var sqrtBeta = Math.Sqrt(1 - alphaProd);
        switch (type)
        {
            case PredictionType.Epsilon:
                Combine(1 / sqrtAlpha, sample, -sqrtBeta / sqrtAlpha, modelOutput, destination);
                break;
            case PredictionType.VPrediction:
                Combine(sqrtAlpha, sample, -sqrtBeta, modelOutput, destination);
                break;
            default:
                modelOutput.CopyTo(destination);
                break;
        }
    }

    /// <summary>diffusers' <c>clip_sample</c>: clamp x₀ to ±range.</summary>
    public static void Clip(Span<double> values, double range) => TensorPrimitives.Clamp(values, -range, range, values);
}
