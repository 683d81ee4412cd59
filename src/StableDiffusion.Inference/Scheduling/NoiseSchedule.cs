namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// The training noise schedule every scheduler shares, computed once in double:
/// betas → ᾱ_t = ∏(1 − β_s) → σ_t = √((1 − ᾱ_t) / ᾱ_t).
/// Mirrors the constructor of each diffusers scheduler (<c>scheduling_ddim.py</c> and siblings) and
/// <c>betas_for_alpha_bar</c>/<c>rescale_zero_terminal_snr</c>. diffusers rounds these arrays to float32;
/// keeping double moves ᾱ by at most ~1e-6 relative, well inside the golden tolerance.
/// </summary>
public sealed class NoiseSchedule
{
    private readonly double[] betas;
    private readonly double[] alphasCumprod;
    private readonly double[] sigmas;
    private readonly double[] logSigmas;

    private NoiseSchedule(double[] betas, bool sigmaBased)
    {
        this.betas = betas;
        alphasCumprod = new double[betas.Length];
        var product = 1.0;
        for (var t = 0; t < betas.Length; t++)
        {
            product *= 1.0 - betas[t];
            alphasCumprod[t] = product;
        }

        // Zero terminal SNR makes σ_T infinite; the sigma-based schedulers of diffusers clamp ᾱ_T to 2⁻²⁴.
        if (sigmaBased && alphasCumprod[^1] == 0)
        {
            alphasCumprod[^1] = Math.Pow(2, -24);
        }

        // diffusers evaluates √((1 − ᾱ)/ᾱ) on its float32 ᾱ, in float32. Near t = 0, 1 − ᾱ cancels: the float32
        // σ_min is 1.3e-5 above the exact one, and σ_min anchors the Karras ramp and ends every Euler-family
        // schedule, so the training sigmas mirror that arithmetic (the only float32 step kept here).
        sigmas = alphasCumprod.Select(a => (double)Float32Sigma((float)a)).ToArray();
        logSigmas = sigmas.Select(s => Math.Log(s)).ToArray();
    }

    public int NumTrainTimesteps => betas.Length;

    private static float Float32Sigma(float alphaCumprod) => MathF.Sqrt((1f - alphaCumprod) / alphaCumprod);

    /// <summary>β_t for t = 0 … T−1; the golden tests compare it with diffusers'.</summary>
    internal IReadOnlyList<double> Betas => betas;

    /// <summary>ᾱ_t for t = 0 … T−1.</summary>
    public IReadOnlyList<double> AlphasCumprod => alphasCumprod;

    /// <summary>The training sigmas σ_t = √((1 − ᾱ_t) / ᾱ_t), increasing with t.</summary>
    internal IReadOnlyList<double> TrainSigmas => sigmas;

    public double SigmaMin => sigmas[0];

    public double SigmaMax => sigmas[^1];

    /// <param name="defaultBetaStart">The scheduler class's own default, used when the file has no <c>beta_start</c>.</param>
    /// <param name="sigmaBased">True for the σ-parameterised schedulers, which clamp a zero terminal ᾱ.</param>
    public static NoiseSchedule FromConfig(
        SchedulerConfig config,
        double defaultBetaStart = 0.0001,
        double defaultBetaEnd = 0.02,
        BetaSchedule defaultBetaSchedule = BetaSchedule.Linear,
        bool sigmaBased = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        var count = config.NumTrainTimesteps ?? 1000;
        if (count < 2)
        {
            throw new ArgumentException("num_train_timesteps must be at least 2.", nameof(config));
        }

        double[] betas;
        if (config.TrainedBetas is { } trained)
        {
            betas = [.. trained];
        }
        else
        {
            var start = config.BetaStart ?? defaultBetaStart;
            var end = config.BetaEnd ?? defaultBetaEnd;
            betas = (config.BetaSchedule ?? defaultBetaSchedule) switch
            {
                BetaSchedule.Linear => Linspace(start, end, count),
                BetaSchedule.ScaledLinear => Linspace(Math.Sqrt(start), Math.Sqrt(end), count).Select(b => b * b).ToArray(),
                BetaSchedule.SquaredCosCapV2 => CosineBetas(count),
                var other => throw new ArgumentOutOfRangeException(nameof(config), other, "Unknown beta schedule."),
            };
        }

        if (config.RescaleBetasZeroSnr == true)
        {
            betas = RescaleZeroTerminalSnr(betas);
        }

        return new NoiseSchedule(betas, sigmaBased);
    }

    /// <summary>
    /// np.interp of the training sigmas at a (possibly fractional) timestep: linear in σ, not in log σ,
    /// as <c>set_timesteps</c> of the Euler, LMS, Heun and DPM schedulers does.
    /// </summary>
    public double InterpolateSigma(double timestep)
    {
        if (timestep <= 0)
        {
            return sigmas[0];
        }

        if (timestep >= sigmas.Length - 1)
        {
            return sigmas[^1];
        }

        var low = (int)Math.Floor(timestep);
        return sigmas[low] + (sigmas[low + 1] - sigmas[low]) * (timestep - low);
    }

    /// <summary>
    /// Karras et al. (2022) eq. 5 with ρ = 7 over the whole training range:
    /// σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ (diffusers' <c>_convert_to_karras</c>).
    /// </summary>
    public double[] KarrasSigmas(int count) => KarrasSigmas(SigmaMin, SigmaMax, count);

    /// <summary>The Karras ramp between given extremes (Euler-family schedulers pass their interpolated ones).</summary>
    public static double[] KarrasSigmas(double sigmaMin, double sigmaMax, int count)
    {
        const double rho = 7.0;
        var minInvRho = Math.Pow(sigmaMin, 1 / rho);
        var maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        var ramp = Linspace(0, 1, count);
        return ramp.Select(r => Math.Pow(maxInvRho + r * (minInvRho - maxInvRho), rho)).ToArray();
    }

    /// <summary>
    /// The fractional timestep whose log σ interpolates to log <paramref name="sigma"/>
    /// (diffusers' <c>_sigma_to_t</c>), clamped to [0, T−1].
    /// </summary>
    public double SigmaToTimestep(double sigma)
    {
        var logSigma = Math.Log(Math.Max(sigma, 1e-10));

        // The last index whose log σ is ≤ the target, kept one short of the end so that [low, low+1] exists.
        var low = 0;
        for (var i = 0; i < logSigmas.Length; i++)
        {
            if (logSigmas[i] <= logSigma)
            {
                low = i;
            }
        }

        low = Math.Min(low, logSigmas.Length - 2);
        var weight = Math.Clamp((logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]), 0, 1);
        return (1 - weight) * low + weight * (low + 1);
    }

    /// <summary>
    /// Descending inference timesteps for the three spacings shared by diffusers' schedulers
    /// (<c>set_timesteps</c> of <c>scheduling_ddim.py</c>, <c>scheduling_euler_discrete.py</c>, …). Linspace values
    /// stay fractional; the integer schedulers round them half-to-even as numpy does.
    /// </summary>
    public double[] SpacedTimesteps(TimestepSpacing spacing, int count, int stepsOffset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var train = NumTrainTimesteps;
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
                return Linspace(0, train - 1, count).Reverse().ToArray();
            case TimestepSpacing.Leading:
                var ratio = train / count;
                return Enumerable.Range(0, count).Reverse().Select(i => (double)(i * ratio + stepsOffset)).ToArray();
            case TimestepSpacing.Trailing:
                return Arange(train, 0, -(double)train / count).Select(t => Math.Round(t) - 1).ToArray();
            default:
                throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "Unknown timestep spacing.");
        }
    }

    /// <summary>numpy's linspace: start + i·step, the last value exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        if (count == 1)
        {
            values[0] = start;
            return values;
        }

        var step = (stop - start) / (count - 1);
        for (var i = 0; i < count; i++)
        {
            values[i] = start + i * step;
        }

        values[^1] = stop;
        return values;
    }

    /// <summary>numpy's arange for a float step: ceil((stop − start) / step) values start + i·step.</summary>
    public static double[] Arange(double start, double stop, double step)
    {
        var count = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        return Enumerable.Range(0, count).Select(i => start + i * step).ToArray();
    }

    // diffusers' betas_for_alpha_bar with the "cosine" transform (Nichol & Dhariwal 2021).
    private static double[] CosineBetas(int count)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        return Enumerable.Range(0, count)
            .Select(i => Math.Min(1 - AlphaBar((i + 1.0) / count) / AlphaBar((double)i / count), 0.999))
            .ToArray();
    }

    // Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Algorithm 1
    // (diffusers' rescale_zero_terminal_snr): shift and scale √ᾱ so that √ᾱ_T = 0 and √ᾱ_0 is unchanged.
    private static double[] RescaleZeroTerminalSnr(double[] betas)
    {
        var sqrtAlphaBar = new double[betas.Length];
        var product = 1.0;
        for (var t = 0; t < betas.Length; t++)
        {
            product *= 1 - betas[t];
            sqrtAlphaBar[t] = Math.Sqrt(product);
        }

        var first = sqrtAlphaBar[0];
        var last = sqrtAlphaBar[^1];
        var alphaBar = sqrtAlphaBar.Select(s => Math.Pow((s - last) * first / (first - last), 2)).ToArray();
        var rescaled = new double[betas.Length];
        rescaled[0] = 1 - alphaBar[0];
        for (var t = 1; t < betas.Length; t++)
        {
            rescaled[t] = 1 - alphaBar[t] / alphaBar[t - 1];
        }

        return rescaled;
    }
}
