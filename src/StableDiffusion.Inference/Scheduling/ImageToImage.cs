namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Where an img2img loop starts, as diffusers' <c>StableDiffusionImg2ImgPipeline.get_timesteps</c> computes it:
/// init_timestep = min(⌊N·strength⌋, N), t_start = max(N − init_timestep, 0), start index = t_start · order.
/// The pipeline then noises the encoded image with <see cref="IScheduler.AddNoise"/> at that index (the
/// result is not multiplied by <see cref="IScheduler.InitNoiseSigma"/>) and loops from it to the end.
/// </summary>
public static class ImageToImage
{
    /// <returns>The first loop iteration; equal to or past <c>Timesteps.Count</c> when strength leaves nothing to denoise.</returns>
    public static int StartIndex(int numInferenceSteps, double strength, int order) =>
        Start(numInferenceSteps, InitTimestep(numInferenceSteps, strength), order);

    /// <summary>
    /// <see cref="StartIndex"/> with init_timestep raised to at least 1, so that a strength below 1/N still denoises for
    /// one step instead of returning the encoded image untouched. The pipeline starts here.
    /// </summary>
    public static int StartIndexForAtLeastOneStep(int numInferenceSteps, double strength, int order) =>
        Start(numInferenceSteps, Math.Max(1, InitTimestep(numInferenceSteps, strength)), order);

    /// <summary>
    /// Sets <paramref name="scheduler"/>'s schedule for <paramref name="numInferenceSteps"/>, computes the start
    /// index and hands it to <see cref="IScheduler.SetBeginIndex"/>.
    /// </summary>
    /// <returns>The first loop iteration (see <see cref="StartIndex"/>).</returns>
    public static int Begin(IScheduler scheduler, int numInferenceSteps, double strength)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.SetTimesteps(numInferenceSteps);
        var start = StartIndex(numInferenceSteps, strength, scheduler.Order);
        scheduler.SetBeginIndex(Math.Min(start, scheduler.Timesteps.Count));
        return start;
    }

    private static int InitTimestep(int numInferenceSteps, double strength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numInferenceSteps, 1);
        if (!(strength is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Denoising strength must be between 0 and 1.");
        }
        return Math.Min((int)(numInferenceSteps * strength), numInferenceSteps);
    }

    private static int Start(int numInferenceSteps, int initTimestep, int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        return Math.Max(numInferenceSteps - initTimestep, 0) * order;
    }
}
