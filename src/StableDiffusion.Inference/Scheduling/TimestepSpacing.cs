namespace StableDiffusion.Inference.Scheduling;

/// <summary>How inference timesteps are picked from the training range (diffusers' <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary><c>arange(N) * (T // N) + steps_offset</c>, reversed.</summary>
    Leading,

    /// <summary><c>linspace(0, T - 1, N)</c>, reversed (fractional for the sigma-based schedulers).</summary>
    Linspace,

    /// <summary><c>round(arange(T, 0, -T / N)) - 1</c>.</summary>
    Trailing,
}
