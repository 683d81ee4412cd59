using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// What the ᾱ-parameterised samplers with int64 timesteps (DDIM, DDPM, PNDM, LCM) share, as diffusers' copies of
/// them do: the loop's integer timesteps, the unscaled model input (init_noise_sigma = 1), the step cursor, ᾱ_{t'}
/// of the timestep a step moves to (<c>final_alpha_cumprod</c> when t' &lt; 0) and img2img noising
/// √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε. Each sampler adds only its timestep schedule and its step.
/// (DPM-Solver++ has integer timesteps too, but steps and noises in σ.)
/// </summary>
public abstract class AlphaStepScheduler : IScheduler
{
    private readonly TimestepSpacing spacing;
    private readonly int stepsOffset;
    private readonly double finalAlphaCumprod;
    private readonly StepCursor cursor = new();
    private int[] timesteps = [];
    private double[] timestepValues = [];

    /// <param name="schedule">The β/ᾱ schedule, built with this sampler's diffusers defaults.</param>
    /// <param name="setAlphaToOne">diffusers' <c>set_alpha_to_one</c>, with this sampler's default applied: whether ᾱ_{t'} for t' &lt; 0 is 1 or ᾱ_0.</param>
    private protected AlphaStepScheduler(SchedulerConfig config, NoiseSchedule schedule, bool setAlphaToOne)
    {
        Schedule = schedule;
        spacing = config.TimestepSpacing ?? TimestepSpacing.Leading;
        stepsOffset = config.StepsOffset ?? 0;
        PredictionType = config.PredictionType ?? PredictionType.Epsilon;
        finalAlphaCumprod = setAlphaToOne ? 1.0 : schedule.AlphasCumprod[0];
    }

    public IReadOnlyList<double> Timesteps => timestepValues;

    public bool HasIntegerTimesteps => true;

    public double InitNoiseSigma => 1.0;

    public int Order => 1;

    private protected NoiseSchedule Schedule { get; }

    private protected PredictionType PredictionType { get; }

    /// <summary>The loop's timesteps as the integers the ᾱ lookups index with.</summary>
    private protected ReadOnlySpan<int> IntegerTimesteps => timesteps;

    /// <summary>Builds this sampler's timesteps (each calls <see cref="UseTimesteps"/>) and clears its history.</summary>
    public abstract void SetTimesteps(int numInferenceSteps);

    public void SetBeginIndex(int beginIndex) => cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination) => sample.CopyTo(destination);

    public bool ModelInputIsSample => true;

    public abstract double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise);

    /// <summary>x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε (diffusers' <c>add_noise</c>).</summary>
    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        AlphaNoising.AddNoise(Schedule.AlphasCumprod[timesteps[stepIndex]], original, noise, destination);
    }

    /// <summary>
    /// The config's spacing of <paramref name="numInferenceSteps"/> timesteps, descending and rounded to integers,
    /// as diffusers' <c>set_timesteps</c> does for DDIM, DDPM and PNDM.
    /// </summary>
    private protected int[] SpacedTimesteps(int numInferenceSteps)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numInferenceSteps, Schedule.NumTrainTimesteps);
        return Schedule.SpacedTimesteps(spacing, numInferenceSteps, stepsOffset).Select(t => (int)Math.Round(t)).ToArray();
    }

    /// <summary>Makes <paramref name="loopTimesteps"/> the loop's schedule, one per iteration, and restarts it at iteration 0.</summary>
    private protected void UseTimesteps(int[] loopTimesteps)
    {
        timesteps = loopTimesteps;
        timestepValues = Array.ConvertAll(loopTimesteps, t => (double)t);
        cursor.Reset(loopTimesteps.Length);
    }

    /// <summary>Checks that iteration <paramref name="stepIndex"/> is the one due, moves past it, and returns its timestep t.</summary>
    private protected int Advance(int stepIndex)
    {
        cursor.Advance(stepIndex);
        return timesteps[stepIndex];
    }

    /// <summary>ᾱ_{t'} of the timestep a step moves to; <c>final_alpha_cumprod</c> when t' &lt; 0 (past the end of the schedule).</summary>
    private protected double AlphaProdPrevious(int previousTimestep) =>
        previousTimestep >= 0 ? Schedule.AlphasCumprod[previousTimestep] : finalAlphaCumprod;
}
