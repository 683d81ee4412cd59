using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Euler's method on the probability-flow ODE in σ (Karras et al. 2022, Algorithm 2 with s_churn = 0),
/// mirroring diffusers' <c>scheduling_euler_discrete.py</c>:
/// d = (x − x̂₀)/σ_i, x_{i+1} = x + d·(σ_{i+1} − σ_i). Deterministic: no noise is drawn.
/// </summary>
public sealed class EulerDiscreteScheduler(SchedulerConfig config)
    : SigmaStepScheduler(config ?? throw new ArgumentNullException(nameof(config)), interpolateAtFloat32: true)
{
    public override double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        Cursor.Advance(stepIndex);
        var sigma = SigmaValues[stepIndex];
        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromSigma(PredictionType, sigma, modelOutput, sample, original);

        // x + (x − x̂₀)/σ · dt
        var ratio = (SigmaValues[stepIndex + 1] - sigma) / sigma;
        LatentMath.Combine(1 + ratio, sample, -ratio, original, sample);
        return original;
    }
}
