namespace StableDiffusion.Inference.Scheduling;

/// <summary>How the training betas are laid out (diffusers' <c>beta_schedule</c>).</summary>
public enum BetaSchedule
{
    /// <summary><c>linspace(beta_start, beta_end, T)</c>.</summary>
    Linear,

    /// <summary><c>linspace(√beta_start, √beta_end, T)²</c>: every Stable Diffusion checkpoint.</summary>
    ScaledLinear,

    /// <summary>The cosine ᾱ(t) of Nichol &amp; Dhariwal, betas capped at 0.999.</summary>
    SquaredCosCapV2,
}
