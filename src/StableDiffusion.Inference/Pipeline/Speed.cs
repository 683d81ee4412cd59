namespace StableDiffusion.Inference.Pipeline;

/// <summary>How the denoising loop trades exactness for speed (the "Speed" setting).</summary>
public enum Speed
{
    /// <summary>The UNet on every step, with both halves of classifier-free guidance: the reference image.</summary>
    Exact,

    /// <summary>
    /// Step caching (<see cref="StepCaching.StepCacheOptions.Fast"/>): steps where the trajectory is smooth reuse the last
    /// noise prediction, and the unconditional half of guidance stops once guidance has settled. A close, not equal, image.
    /// </summary>
    Fast,
}
