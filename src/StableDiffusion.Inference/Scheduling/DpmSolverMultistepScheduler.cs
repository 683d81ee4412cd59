using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2), mirroring diffusers' <c>scheduling_dpmsolver_multistep.py</c>
/// with <c>algorithm_type="dpmsolver++"</c>. In λ = log α − log σ (α = 1/√(s²+1), σ = s·α for the Karras-style
/// s), with h = λ_{i+1} − λ_i and data predictions D:
/// first order  x_{i+1} = (σ_{i+1}/σ_i)·x − α_{i+1}(e^{−h} − 1)·D_i;
/// second order adds −½·α_{i+1}(e^{−h} − 1)·(D_i − D_{i−1})·h/h_{i−1} (midpoint).
/// The first step, and the last (its σ is 0: <c>final_sigmas_type="zero"</c>), are first order.
/// </summary>
public sealed class DpmSolverMultistepScheduler : IScheduler
{
    private readonly NoiseSchedule schedule;
    private readonly TimestepSpacing spacing;
    private readonly int stepsOffset;
    private readonly PredictionType predictionType;
    private readonly int solverOrder;
    private readonly bool heunSolver;
    private readonly bool lowerOrderFinal;
    private readonly bool karras;
    private readonly bool finalSigmaZero;
    private readonly StepCursor cursor = new();
    private int[] timesteps = [];
    private double[] timestepValues = [];
    private double[] sigmas = [];
    private double[]? previousOutput;

    /// <summary>The buffer this step writes its data prediction into (the one of two steps back): reused, so a step
    /// allocates nothing (at 512² it is a 128 KB array).</summary>
    private double[]? spareOutput;

    private int lowerOrderCount;

    public DpmSolverMultistepScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        schedule = NoiseSchedule.FromConfig(config, sigmaBased: true);
        spacing = config.TimestepSpacing ?? TimestepSpacing.Linspace;
        stepsOffset = config.StepsOffset ?? 0;
        predictionType = config.PredictionType ?? PredictionType.Epsilon;
        solverOrder = config.SolverOrder ?? 2;
        if (solverOrder is not (1 or 2))
        {
            throw new NotSupportedException($"DPM-Solver++ solver_order {solverOrder} is not supported (1 or 2).");
        }

        if ((config.AlgorithmType ?? "dpmsolver++") != "dpmsolver++")
        {
            throw new NotSupportedException($"DPM-Solver algorithm_type '{config.AlgorithmType}' is not supported (dpmsolver++).");
        }

        heunSolver = (config.SolverType ?? "midpoint") switch
        {
            "midpoint" => false,
            "heun" => true,
            var other => throw new NotSupportedException($"DPM-Solver solver_type '{other}' is not supported (midpoint or heun)."),
        };
        lowerOrderFinal = config.LowerOrderFinal ?? true;
        karras = config.UseKarrasSigmas ?? false;
        finalSigmaZero = (config.FinalSigmasType ?? "zero") switch
        {
            "zero" => true,
            "sigma_min" => false,
            var other => throw new NotSupportedException($"Unsupported final_sigmas_type '{other}' (expected zero or sigma_min)."),
        };
    }

    public IReadOnlyList<double> Timesteps => timestepValues;

    /// <summary>σ_0 … σ_{N−1} and the final σ (0 by default).</summary>
    public IReadOnlyList<double> Sigmas => sigmas;

    public bool HasIntegerTimesteps => true;

    public double InitNoiseSigma => 1.0;

    public int Order => 1;

    /// <summary>Whether the last step ran the first- or second-order update (diffusers' step logs it; tests check it).</summary>
    internal int LastUpdateOrder { get; private set; }

    public void SetTimesteps(int numInferenceSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numInferenceSteps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numInferenceSteps, schedule.NumTrainTimesteps);
        var train = schedule.NumTrainTimesteps;
        double[] sigmaValues;
        if (karras)
        {
            // Karras ignores the spacing; its timesteps come from log σ and may repeat (…, 2, 1, 1, 0 at 50 steps).
            sigmaValues = schedule.KarrasSigmas(numInferenceSteps);
            timesteps = sigmaValues.Select(s => (int)Math.Round(schedule.SigmaToTimestep(s))).ToArray();
        }
        else
        {
            // N + 1 points with the last dropped, so the schedule never reaches t = 0.
            var spaced = spacing switch
            {
                TimestepSpacing.Linspace => NoiseSchedule.Linspace(0, train - 1, numInferenceSteps + 1).Reverse().SkipLast(1).Select(t => Math.Round(t)),
                TimestepSpacing.Leading => Enumerable.Range(0, numInferenceSteps + 1).Reverse().SkipLast(1).Select(i => (double)(i * (train / (numInferenceSteps + 1)) + stepsOffset)),
                _ => NoiseSchedule.Arange(train, 0, -(double)train / numInferenceSteps).Select(t => Math.Round(t) - 1),
            };
            timesteps = spaced.Select(t => (int)t).ToArray();
            sigmaValues = timesteps.Select(t => schedule.InterpolateSigma(t)).ToArray();
        }

        var finalSigma = finalSigmaZero ? 0.0 : karras ? sigmaValues[^1] : schedule.SigmaMin;
        sigmas = [.. sigmaValues, finalSigma];
        timestepValues = Array.ConvertAll(timesteps, t => (double)t);
        previousOutput = null;
        lowerOrderCount = 0;
        cursor.Reset(timesteps.Length);
    }

    public void SetBeginIndex(int beginIndex) => cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination) => sample.CopyTo(destination);

    public bool ModelInputIsSample => true;

    public double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        cursor.Advance(stepIndex);
        var count = timesteps.Length;
        var lowerFinal = stepIndex == count - 1 && ((lowerOrderFinal && count < 15) || finalSigmaZero);

        // convert_model_output: the data prediction D = x̂₀ at σ_i, as a·x + b·ε (ε-prediction) or a·x + b·v (v-prediction).
        var (alpha, sigma) = AlphaSigma(sigmas[stepIndex]);
        var (outputAlone, sampleWeight, outputWeight) = predictionType switch
        {
            PredictionType.Epsilon => (false, 1 / alpha, -sigma / alpha),
            PredictionType.VPrediction => (false, alpha, -sigma),
            _ => (true, 0.0, 0.0),
        };

        var (alphaNext, sigmaNext) = AlphaSigma(sigmas[stepIndex + 1]);
        var lambdaNext = Math.Log(alphaNext) - Math.Log(sigmaNext);
        var lambda = Math.Log(alpha) - Math.Log(sigma);
        var h = lambdaNext - lambda;
        var expm = Math.Exp(-h) - 1.0;

        // σ_{i+1}/σ_i · x − α_{i+1}(e^{−h} − 1)·D_i (at σ_{i+1} = 0 this is exactly D_i), then for the second order
        // + weight · (D_i − D_{i−1}) / r0.
        var update = new Update(sigmaNext / sigma, -alphaNext * expm);
        var secondOrder = solverOrder == 2 && lowerOrderCount >= 1 && !lowerFinal && previousOutput is not null;
        if (secondOrder)
        {
            var (alphaPrevious, sigmaPrevious) = AlphaSigma(sigmas[stepIndex - 1]);
            var lambdaPrevious = Math.Log(alphaPrevious) - Math.Log(sigmaPrevious);
            var r0 = (lambda - lambdaPrevious) / h;
            update = update with
            {
                ChangeWeight = 1 / r0,
                PreviousWeight = -1 / r0,
                SecondOrderWeight = heunSolver ? alphaNext * (expm / h + 1.0) : -0.5 * alphaNext * expm,
            };
        }
        LastUpdateOrder = secondOrder ? 2 : 1;
        var denoised = Buffer(ref spareOutput, sample.Length);
        StepInOnePass(outputAlone, sampleWeight, outputWeight, modelOutput, sample, denoised, secondOrder ? previousOutput : null, update);

        if (lowerOrderCount < solverOrder)
        {
            lowerOrderCount++;
        }

        // The history is the array returned: the next step only reads it and writes into the one before it.
        (spareOutput, previousOutput) = (previousOutput, denoised);
        return denoised;
    }

    /// <summary>The coefficients of a step's update: x ← a·x + b·D, then + w·(c·D + p·D_prev) for the second order.</summary>
    private readonly record struct Update(double SampleWeight, double DenoisedWeight)
    {
        public double ChangeWeight { get; init; }

        public double PreviousWeight { get; init; }

        public double SecondOrderWeight { get; init; }
    }

    /// <summary>
    /// The whole step in one pass over the latent: D = a·x + b·ε (or the model output itself), then the first-order update
    /// of x, then the second-order term from <paramref name="previous"/> (none when null). At 512² a latent is 128 KB of
    /// doubles and the UNet call before has evicted it from the caches: one pass reads it once instead of four times.
    /// Each value goes through the operations, in the order, that separate passes made, so the latents are the same.
    /// </summary>
    private static void StepInOnePass(bool outputAlone, double sampleWeight, double outputWeight, ReadOnlySpan<double> modelOutput, Span<double> sample,
        Span<double> denoised, double[]? previous, Update update)
    {
        if (modelOutput.Length != sample.Length || denoised.Length != sample.Length || (previous is not null && previous.Length != sample.Length))
        {
            throw new ArgumentException("The model output, the sample and the history must have the same length.", nameof(modelOutput));
        }
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var output = ref MemoryMarshal.GetReference(modelOutput);
            ref var x = ref MemoryMarshal.GetReference(sample);
            ref var d = ref MemoryMarshal.GetReference(denoised);
            ref var p = ref previous is null ? ref Unsafe.NullRef<double>() : ref MemoryMarshal.GetArrayDataReference(previous);
            var (a, b) = (Vector256.Create(sampleWeight), Vector256.Create(outputWeight));
            var (xWeight, dWeight) = (Vector256.Create(update.SampleWeight), Vector256.Create(update.DenoisedWeight));
            var (cWeight, pWeight, secondWeight) = (Vector256.Create(update.ChangeWeight), Vector256.Create(update.PreviousWeight), Vector256.Create(update.SecondOrderWeight));
            for (; i <= sample.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var index = (nuint)i;
                var xi = Vector256.LoadUnsafe(ref x, index);
                var ei = Vector256.LoadUnsafe(ref output, index);
                var di = outputAlone ? ei : xi * a + ei * b;
                di.StoreUnsafe(ref d, index);
                var next = xi * xWeight + di * dWeight;
                if (previous is not null)
                {
                    next = (di * cWeight + Vector256.LoadUnsafe(ref p, index) * pWeight) * secondWeight + next;
                }
                next.StoreUnsafe(ref x, index);
            }
        }
        for (; i < sample.Length; i++)
        {
            var di = outputAlone ? modelOutput[i] : sample[i] * sampleWeight + modelOutput[i] * outputWeight;
            denoised[i] = di;
            var next = sample[i] * update.SampleWeight + di * update.DenoisedWeight;
            if (previous is not null)
            {
                next = (di * update.ChangeWeight + previous[i] * update.PreviousWeight) * update.SecondOrderWeight + next;
            }
            sample[i] = next;
        }
    }

    private static double[] Buffer(ref double[]? buffer, int length) =>
        buffer is { } reused && reused.Length == length ? reused : buffer = new double[length];

    /// <summary>√ᾱ·x₀ + √(1−ᾱ)·ε at σ_i, i.e. α_i·x₀ + σ_i·α_i·ε (diffusers' <c>add_noise</c> with <c>begin_index</c>).</summary>
    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        var (alpha, sigma) = AlphaSigma(sigmas[stepIndex]);
        ArgumentOutOfRangeException.ThrowIfNotEqual(noise.Length, original.Length);
        for (var i = 0; i < original.Length; i++)
        {
            destination[i] = alpha * original[i] + sigma * noise[i];
        }
    }

    private static (double Alpha, double Sigma) AlphaSigma(double s)
    {
        var alpha = 1 / Math.Sqrt(s * s + 1);
        return (alpha, s * alpha);
    }
}
