using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Ancestral Euler ("Euler a"), mirroring diffusers' <c>scheduling_euler_ancestral_discrete.py</c>
/// (k-diffusion's <c>sample_euler_ancestral</c> with η = 1):
/// σ_up = √(σ_{i+1}²(σ_i² − σ_{i+1}²)/σ_i²), σ_down = √(σ_{i+1}² − σ_up²),
/// x_{i+1} = x + d·(σ_down − σ_i) + σ_up·z with d = (x − x̂₀)/σ_i. One noise draw per step, the last one
/// included (where σ_up = 0), so seeds line up with diffusers.
/// </summary>
public sealed class EulerAncestralDiscreteScheduler(SchedulerConfig config)
    : SigmaStepScheduler(
        // diffusers' Euler a has no Karras option; its constructor ignores the key.
        (config ?? throw new ArgumentNullException(nameof(config))) with { UseKarrasSigmas = false, FinalSigmasType = null },
        interpolateAtFloat32: true)
{
    public override double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        Cursor.Advance(stepIndex);
        var sigmaFrom = SigmaValues[stepIndex];
        var sigmaTo = SigmaValues[stepIndex + 1];
        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromSigma(PredictionType, sigmaFrom, modelOutput, sample, original);

        var sigmaUp = Math.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        var sigmaDown = Math.Sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        var ratio = (sigmaDown - sigmaFrom) / sigmaFrom;
        LatentMath.Combine(1 + ratio, sample, -ratio, original, sample);
        LatentMath.AddScaled(sample, sigmaUp, LatentMath.DrawNoise(noise, sample.Length));
        return original;
    }
}
