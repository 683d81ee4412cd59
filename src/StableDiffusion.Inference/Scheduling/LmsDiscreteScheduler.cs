using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Linear multistep in σ (k-diffusion's <c>sample_lms</c>), mirroring diffusers' <c>scheduling_lms_discrete.py</c>:
/// x_{i+1} = x + Σ_k c_k·d_{i−k}, where c_k = ∫_{σ_i}^{σ_{i+1}} ℓ_k(τ) dτ integrates the Lagrange basis polynomial
/// through σ_i … σ_{i−order+1}. Order 4, warming up through 1, 2, 3. diffusers integrates numerically
/// (scipy quad); ℓ_k has degree ≤ 3, so 2-point Gauss–Legendre is exact.
/// </summary>
public sealed class LmsDiscreteScheduler(SchedulerConfig config)
    : SigmaStepScheduler((config ?? throw new ArgumentNullException(nameof(config))) with { FinalSigmasType = null },
        interpolateAtFloat32: false)
{
    private const int MaxOrder = 4;
    private readonly List<double[]> derivatives = [];

    public override double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        Cursor.Advance(stepIndex);
        var sigma = SigmaValues[stepIndex];
        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromSigma(PredictionType, sigma, modelOutput, sample, original);

        var derivative = new double[sample.Length];
        LatentMath.Combine(1 / sigma, sample, -1 / sigma, original, derivative);
        derivatives.Add(derivative);
        if (derivatives.Count > MaxOrder)
        {
            derivatives.RemoveAt(0);
        }

        // As diffusers: the order follows the step index, not the history, so an img2img loop that begins at
        // index ≥ 3 uses order 4's first coefficient with only the newest derivative (zip truncates).
        var order = Math.Min(stepIndex + 1, MaxOrder);
        for (var k = 0; k < order && k < derivatives.Count; k++)
        {
            LatentMath.AddScaled(sample, Coefficient(order, stepIndex, k), derivatives[^(k + 1)]);
        }

        return original;
    }

    private protected override void OnTimestepsSet() => derivatives.Clear();

    /// <summary>∫_{σ_t}^{σ_{t+1}} Π_{k≠j} (τ − σ_{t−k})/(σ_{t−j} − σ_{t−k}) dτ (diffusers' <c>get_lms_coefficient</c>).</summary>
    internal double Coefficient(int order, int t, int currentOrder)
    {
        var s = SigmaValues;
        double Basis(double tau)
        {
            var product = 1.0;
            for (var k = 0; k < order; k++)
            {
                if (k != currentOrder)
                {
                    product *= (tau - s[t - k]) / (s[t - currentOrder] - s[t - k]);
                }
            }

            return product;
        }

        // Gauss–Legendre nodes ±1/√3 on [a, b], exact for cubics.
        double a = s[t], b = s[t + 1];
        var half = (b - a) / 2;
        var middle = (a + b) / 2;
        var offset = half / Math.Sqrt(3);
        return half * (Basis(middle - offset) + Basis(middle + offset));
    }
}
