using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// PNDM (Liu et al. 2022), mirroring diffusers' <c>scheduling_pndm.py</c>. With <c>skip_prk_steps</c> (every
/// SD config) it is PLMS: linear multistep over ε with Adams–Bashforth weights 1; (3, −1)/2; (23, −16, 5)/12;
/// (55, −59, 37, −9)/24, warmed up by repeating the second timestep (N steps → N+1 iterations). Otherwise
/// three pseudo Runge–Kutta steps (12 model calls) come first. Each move is the "transfer" of eq. 11:
/// x_{t'} = √(ᾱ_{t'}/ᾱ_t)·x − (ᾱ_{t'} − ᾱ_t)·ε / (ᾱ_t·√(1−ᾱ_{t'}) + √(ᾱ_t(1−ᾱ_t)ᾱ_{t'})).
/// </summary>
public sealed class PndmScheduler : AlphaStepScheduler
{
    private const int PndmOrder = 4;
    private readonly bool skipPrkSteps;
    private readonly List<double[]> ets = [];
    private int prkCount;
    private int stepRatio;
    private int counter;
    private double[]? currentSample;
    private double[]? currentModelOutput;

    public PndmScheduler(SchedulerConfig config)
        : base(config, NoiseSchedule.FromConfig(config ?? throw new ArgumentNullException(nameof(config))), setAlphaToOne: config.SetAlphaToOne ?? false)
    {
        if (PredictionType == PredictionType.Sample)
        {
            throw new NotSupportedException("PNDM supports prediction_type epsilon and v_prediction only (as diffusers).");
        }

        skipPrkSteps = config.SkipPrkSteps ?? false;
    }

    public override void SetTimesteps(int numInferenceSteps)
    {
        // T/N, stored with the timesteps it belongs to, so that a rejected step count leaves the old schedule whole.
        var ratio = Schedule.NumTrainTimesteps / numInferenceSteps;

        // diffusers builds these ascending (its _timesteps), then orders the loop descending.
        var ascending = SpacedTimesteps(numInferenceSteps).Reverse().ToArray();
        int[] prk;
        int[] plms;
        if (skipPrkSteps)
        {
            // concat(ts[:-1], ts[-2:-1], ts[-1:])[::-1]: the second-largest timestep twice.
            prk = [];
            plms = [.. ascending[..^1], .. ascending[Math.Max(0, ascending.Length - 2)..^1], ascending[^1]];
            Array.Reverse(plms);
        }
        else
        {
            if (ascending.Length < PndmOrder)
            {
                throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps, "PNDM with Runge–Kutta warm-up needs at least 4 steps.");
            }

            // The last 4 timesteps, each followed by its half step t + T/N/2; every stage but the ends is visited
            // twice: (prk[:-1].repeat(2)[1:-1])[::-1], 12 model calls. PLMS then restarts from the 4th timestep.
            var stages = ascending[^PndmOrder..].SelectMany(t => new[] { t, t + ratio / 2 }).ToArray();
            var repeated = stages[..^1].SelectMany(t => new[] { t, t }).ToArray()[1..^1];
            prk = [.. repeated.Reverse()];
            plms = [.. ascending[..^3].Reverse()];
        }

        UseTimesteps([.. prk, .. plms]);
        stepRatio = ratio;
        prkCount = prk.Length;
        ets.Clear();
        counter = 0;
        currentSample = null;
        currentModelOutput = null;
    }

    public override double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        var original = PredictOriginal(modelOutput, Advance(stepIndex), sample);
        if (counter < prkCount)
        {
            StepPrk(modelOutput, stepIndex, sample);
        }
        else
        {
            StepPlms(modelOutput, stepIndex, sample);
        }

        return original;
    }

    // diffusers' step_prk: RK4 weights 1/6, 1/3, 1/3, 1/6 over four model calls per timestep.
    private void StepPrk(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample)
    {
        var differenceToPrevious = counter % 2 == 1 ? 0 : stepRatio / 2;
        var previousTimestep = IntegerTimesteps[stepIndex] - differenceToPrevious;
        var timestep = IntegerTimesteps[counter / 4 * 4];
        currentModelOutput ??= new double[sample.Length];
        var output = modelOutput.ToArray();
        switch (counter % 4)
        {
            case 0:
                LatentMath.Combine(1, currentModelOutput, 1.0 / 6, modelOutput, currentModelOutput);
                ets.Add(output);
                currentSample = sample.ToArray();
                break;
            case 1:
            case 2:
                LatentMath.Combine(1, currentModelOutput, 1.0 / 3, modelOutput, currentModelOutput);
                break;
            default:
                LatentMath.Combine(1, currentModelOutput, 1.0 / 6, modelOutput, output);
                currentModelOutput = null;
                break;
        }

        var from = currentSample ?? sample.ToArray();
        PreviousSample(from, timestep, previousTimestep, output, sample);
        counter++;
    }

    // diffusers' step_plms, including its warm-up quirk: iteration 1 re-runs iteration 0's move from the cached
    // sample with the average of both model outputs, at (t + T/N → t).
    private void StepPlms(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample)
    {
        var timestep = IntegerTimesteps[stepIndex];
        var previousTimestep = timestep - stepRatio;
        if (counter != 1)
        {
            if (ets.Count > 3)
            {
                ets.RemoveRange(0, ets.Count - 3);
            }

            ets.Add(modelOutput.ToArray());
        }
        else
        {
            previousTimestep = timestep;
            timestep += stepRatio;
        }

        var output = new double[sample.Length];
        double[] from;
        if (ets.Count == 1 && counter == 0)
        {
            modelOutput.CopyTo(output);
            currentSample = sample.ToArray();
            from = currentSample;
        }
        else if (ets.Count == 1 && counter == 1)
        {
            LatentMath.Combine(0.5, modelOutput, 0.5, ets[^1], output);
            from = currentSample ?? sample.ToArray();
            currentSample = null;
        }
        else
        {
            from = sample.ToArray();
            AdamsBashforth(output);
        }

        PreviousSample(from, timestep, previousTimestep, output, sample);
        counter++;
    }

    private void AdamsBashforth(Span<double> output)
    {
        output.Clear();
        double[] weights = ets.Count switch
        {
            2 => [3.0 / 2, -1.0 / 2],
            3 => [23.0 / 12, -16.0 / 12, 5.0 / 12],
            _ => [55.0 / 24, -59.0 / 24, 37.0 / 24, -9.0 / 24],
        };
        for (var k = 0; k < weights.Length; k++)
        {
            LatentMath.AddScaled(output, weights[k], ets[^(k + 1)]);
        }
    }

    // diffusers' _get_prev_sample (PNDM paper eq. 11).
    private void PreviousSample(ReadOnlySpan<double> from, int timestep, int previousTimestep, ReadOnlySpan<double> modelOutput, Span<double> destination)
    {
        var alphaProd = Schedule.AlphasCumprod[timestep];
        var alphaProdPrevious = AlphaProdPrevious(previousTimestep);
        var betaProd = 1 - alphaProd;
        var betaProdPrevious = 1 - alphaProdPrevious;

        var epsilon = modelOutput;
        if (PredictionType == PredictionType.VPrediction)
        {
            var converted = new double[modelOutput.Length];
            LatentMath.Combine(Math.Sqrt(alphaProd), modelOutput, Math.Sqrt(betaProd), from, converted);
            epsilon = converted;
        }

        var sampleCoefficient = Math.Sqrt(alphaProdPrevious / alphaProd);
        var denominator = alphaProd * Math.Sqrt(betaProdPrevious) + Math.Sqrt(alphaProd * betaProd * alphaProdPrevious);
        LatentMath.Combine(sampleCoefficient, from, -(alphaProdPrevious - alphaProd) / denominator, epsilon, destination);
    }

    // PNDM's step returns no x₀; this is the usual estimate from the raw model output, for previews only.
    private double[] PredictOriginal(ReadOnlySpan<double> modelOutput, int timestep, ReadOnlySpan<double> sample)
    {
        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromAlpha(PredictionType, Schedule.AlphasCumprod[timestep], modelOutput, sample, original);
        return original;
    }
}
