using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Scheduling;

/// <summary>
/// One-step schedules, where diffusers degenerates: linspace spacing gives <c>np.linspace(0, 999, 1) = [0]</c>, so Euler,
/// Euler a, LMS and Heun take their one step at t = 0 (σ = σ_min, also their init_noise_sigma); DDIM, PNDM and DDPM use
/// t = 1, DPM++ and LCM t = 999 (tests/fixtures/golden/schedulers/README.md §5.1).
/// </summary>
public sealed class DegenerateScheduleTests
{
    private const double SigmaMin = 0.029167532920837402;

    private static SchedulerConfig StableDiffusion15 => SchedulerConfig.Parse(
        """{"beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "clip_sample": false}""");

    [Theory]
    [InlineData("euler", 0.0)]
    [InlineData("euler-a", 0.0)]
    [InlineData("lms", 0.0)]
    [InlineData("heun", 0.0)]
    [InlineData("ddim", 1.0)]
    [InlineData("pndm", 1.0)]
    [InlineData("ddpm", 1.0)]
    [InlineData("dpmpp-2m", 999.0)]
    [InlineData("dpmpp-2m-karras", 999.0)]
    [InlineData("lcm", 999.0)]
    public void OneStepScheduleHasTheSingleTimestepDiffusersUses(string id, double timestep)
    {
        var scheduler = SchedulerFactory.Create(id, StableDiffusion15);

        scheduler.SetTimesteps(1);

        Assert.Equal([timestep], scheduler.Timesteps);
    }

    [Theory]
    [InlineData("euler")]
    [InlineData("euler-a")]
    [InlineData("lms")]
    [InlineData("heun")]
    public void OneStepLinspaceStartsAtSigmaMin(string id)
    {
        var scheduler = SchedulerFactory.Create(id, StableDiffusion15);

        scheduler.SetTimesteps(1);

        Assert.Equal(SigmaMin, scheduler.InitNoiseSigma, 1e-9);
    }

    [Theory]
    [InlineData("ddim")]
    [InlineData("pndm")]
    [InlineData("euler")]
    [InlineData("euler-a")]
    [InlineData("dpmpp-2m")]
    [InlineData("dpmpp-2m-karras")]
    [InlineData("lms")]
    [InlineData("lcm")]
    [InlineData("ddpm")]
    [InlineData("heun")]
    public void OneStepLoopRunsAndGivesFiniteLatents(string id)
    {
        var scheduler = SchedulerFactory.Create(id, StableDiffusion15);
        scheduler.SetTimesteps(1);
        double[] latent = [.. Enumerable.Range(0, 8).Select(i => (i - 4) * scheduler.InitNoiseSigma)];
        var noise = new ReplayingNoiseGenerator([.. Enumerable.Range(0, 4).Select(_ => new double[8])]);

        for (var i = 0; i < scheduler.Timesteps.Count; i++)
        {
            var scaled = new double[latent.Length];
            scheduler.ScaleModelInput(latent, i, scaled);
            var original = scheduler.Step(scaled.Select(x => 0.1 * x).ToArray(), i, latent, noise);
            Assert.All(original, value => Assert.True(double.IsFinite(value)));
        }

        Assert.All(latent, value => Assert.True(double.IsFinite(value)));
        Assert.NotEqual(-4 * scheduler.InitNoiseSigma, latent[0]);
    }

    [Fact]
    public void StepsMustRunInOrder()
    {
        var scheduler = SchedulerFactory.Create("dpmpp-2m", StableDiffusion15);
        scheduler.SetTimesteps(4);
        var latent = new double[4];

        var error = Assert.Throws<InvalidOperationException>(() => scheduler.Step(new double[4], 1, latent, new ReplayingNoiseGenerator()));

        Assert.Contains("iteration 0 is due", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SteppingBeforeSetTimestepsIsAnError()
    {
        var scheduler = SchedulerFactory.Create("euler", StableDiffusion15);

        Assert.Throws<InvalidOperationException>(() => scheduler.Step(new double[4], 0, new double[4], new ReplayingNoiseGenerator()));
    }

    [Fact]
    public void LcmRejectsMoreStepsThanItsDistillationSchedule()
    {
        var scheduler = SchedulerFactory.Create("lcm", StableDiffusion15);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(51));
    }

    [Fact]
    public void PndmWithRungeKuttaWarmUpRunsTwelveExtraModelCalls()
    {
        var scheduler = SchedulerFactory.Create("pndm", StableDiffusion15 with { SkipPrkSteps = false });

        scheduler.SetTimesteps(10);

        // _timesteps = 1, 101, …, 901: RK stages over 601…901 with half steps of 50, then PLMS from 601 down.
        Assert.Equal(
            [901.0, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401, 301, 201, 101, 1],
            scheduler.Timesteps);
    }
}
