using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Linear multistep in σ (k-diffusion's <c>sample_lms</c>), mirroring diffusers' <c>scheduling_lms_discrete.py</c>:
/// x_{i+1} = x + Σ_k c_k·d_{i−k}, where c_k = ∫_{σ_i}^{σ_{i+1}} ℓ_k(τ) dτ integrates the Lagrange basis polynomial
/// through σ_i … σ_{i−order+1}. Order 4, warming up through 1, 2, 3. diffusers integrates numerically
/// (scipy quad); ℓ_k has degree ≤ 3, so 2-point Gauss–Legendre is exact.
/// </summary>
public sealed class LmsDiscreteScheduler : IScheduler
{
    private const int MaxOrder = 4;
    private readonly NoiseSchedule schedule;
    private readonly SchedulerConfig config;
    private readonly TimestepSpacing spacing;
    private readonly PredictionType predictionType;
    private readonly StepCursor cursor = new();
    private readonly List<double[]> derivatives = [];
    private SigmaSchedule sigmas = new([], [], 1.0);

    public LmsDiscreteScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config with { FinalSigmasType = null };
        schedule = NoiseSchedule.FromConfig(config, sigmaBased: true);
        spacing = config.TimestepSpacing ?? TimestepSpacing.Linspace;
        predictionType = config.PredictionType ?? PredictionType.Epsilon;
    }

    public IReadOnlyList<double> Timesteps => sigmas.Timesteps;

    /// <summary>σ_0 … σ_{N−1} and a final 0.</summary>
    public IReadOnlyList<double> Sigmas => sigmas.Sigmas;

    public bool HasIntegerTimesteps => false;

    public double InitNoiseSigma => sigmas.InitNoiseSigma;

    public int Order => 1;

    public void SetTimesteps(int numInferenceSteps)
    {
        sigmas = SigmaSchedule.Build(schedule, config, spacing, numInferenceSteps, interpolateAtFloat32: false);
        derivatives.Clear();
        cursor.Reset(sigmas.Timesteps.Length);
    }

    public void SetBeginIndex(int beginIndex) => cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        SigmaSchedule.ScaleModelInput(sigmas.Sigmas[stepIndex], sample, destination);
    }

    public double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        cursor.Advance(stepIndex);
        var sigma = sigmas.Sigmas[stepIndex];
        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromSigma(predictionType, sigma, modelOutput, sample, original);

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

    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        AlphaNoising.AddSigmaNoise(sigmas.Sigmas[stepIndex], original, noise, destination);
    }

    /// <summary>∫_{σ_t}^{σ_{t+1}} Π_{k≠j} (τ − σ_{t−k})/(σ_{t−j} − σ_{t−k}) dτ (diffusers' <c>get_lms_coefficient</c>).</summary>
    internal double Coefficient(int order, int t, int currentOrder)
    {
        var s = sigmas.Sigmas;
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
