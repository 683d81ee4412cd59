using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Scheduling;

public sealed class SchedulerConfigTests
{
    // runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json, verbatim: no timestep_spacing, no prediction_type.
    private const string StableDiffusion15 = """
        {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
         "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
         "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1,
         "trained_betas": null, "clip_sample": false}
        """;

    [Fact]
    public void ParsingLeavesNullAndAbsentKeysNullForEachSchedulersOwnDefault()
    {
        var config = SchedulerConfig.Parse(StableDiffusion15);

        Assert.Null(config.TrainedBetas);
        Assert.Null(config.TimestepSpacing);
        Assert.Equal(BetaSchedule.ScaledLinear, config.BetaSchedule);
        Assert.Equal(0.00085, config.BetaStart);
        Assert.Equal(1, config.StepsOffset);
        Assert.Equal(true, config.SkipPrkSteps);
    }

    [Fact]
    public void ConfigWithoutTimestepSpacingGivesEulerLinspaceAndDdimLeading()
    {
        var config = SchedulerConfig.Parse(StableDiffusion15);

        var euler = SchedulerFactory.Create("euler", config);
        euler.SetTimesteps(4);
        var ddim = SchedulerFactory.Create("ddim", config);
        ddim.SetTimesteps(4);

        Assert.Equal([999.0, 666.0, 333.0, 0.0], euler.Timesteps);
        Assert.Equal([751.0, 501.0, 251.0, 1.0], ddim.Timesteps);
    }

    [Fact]
    public void ExplicitTimestepSpacingOverridesEveryClassDefault()
    {
        var config = SchedulerConfig.Parse(StableDiffusion15.Replace("\"clip_sample\": false", "\"clip_sample\": false, \"timestep_spacing\": \"trailing\""));

        var euler = SchedulerFactory.Create("euler", config);
        euler.SetTimesteps(4);
        var ddim = SchedulerFactory.Create("ddim", config);
        ddim.SetTimesteps(4);

        Assert.Equal(TimestepSpacing.Trailing, config.TimestepSpacing);
        Assert.Equal([999.0, 749.0, 499.0, 249.0], euler.Timesteps);
        Assert.Equal([999.0, 749.0, 499.0, 249.0], ddim.Timesteps);
    }

    [Fact]
    public void EmptyConfigUsesEachClassOwnBetaDefaults()
    {
        // DDIM's class default is linear 0.0001 → 0.02; LCM's is scaled_linear 0.00085 → 0.012.
        var ddim = NoiseSchedule.FromConfig(SchedulerConfig.Empty);
        var lcm = NoiseSchedule.FromConfig(SchedulerConfig.Empty, 0.00085, 0.012, BetaSchedule.ScaledLinear);

        Assert.Equal(0.0001, ddim.Betas[0], 12);
        Assert.Equal(0.02, ddim.Betas[^1], 12);
        Assert.Equal(0.00085, lcm.Betas[0], 12);
        Assert.Equal(0.012, lcm.Betas[^1], 12);
    }

    [Fact]
    public void VPredictionConfigIsRead()
    {
        var config = SchedulerConfig.Parse("""{"_class_name": "DDIMScheduler", "prediction_type": "v_prediction", "timestep_spacing": "leading"}""");

        Assert.Equal(PredictionType.VPrediction, config.PredictionType);
        Assert.Equal(TimestepSpacing.Leading, config.TimestepSpacing);
    }

    [Fact]
    public void TrainedBetasReplaceTheComputedSchedule()
    {
        var config = SchedulerConfig.Parse("""{"trained_betas": [0.1, 0.2, 0.3, 0.4]}""");

        var schedule = NoiseSchedule.FromConfig(config);

        Assert.Equal([0.1, 0.2, 0.3, 0.4], schedule.Betas);
        Assert.Equal(0.9 * 0.8 * 0.7, schedule.AlphasCumprod[2], 15);
    }

    [Theory]
    [InlineData("""{"timestep_spacing": "sideways"}""", "sideways")]
    [InlineData("""{"prediction_type": "flow"}""", "flow")]
    [InlineData("""{"steps_offset": "one"}""", "steps_offset")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"beta_start": """, "not valid JSON")]
    public void MalformedConfigIsRejectedWithAFormatErrorNamingTheProblem(string json, string fragment)
    {
        var error = Assert.Throws<FormatException>(() => SchedulerConfig.Parse(json));
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigSavedByDiffusersWithBareInfinityIsRead()
    {
        // DPMSolverMultistepScheduler configs are written by Python's json.dumps: -Infinity is not quoted.
        var config = SchedulerConfig.Parse("""{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "variance_type": null, "note": "NaN stays text", "solver_order": 2}""");

        Assert.Equal(2, config.SolverOrder);
        Assert.Null(config.VarianceType);
    }

    [Fact]
    public void UnknownSchedulerIdIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("dpmpp-3m", SchedulerConfig.Empty));

        Assert.Contains("dpmpp-3m", error.Message, StringComparison.Ordinal);
        Assert.Contains("euler-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FactoryBuildsEveryCatalogId()
    {
        foreach (var id in SamplerCatalog.Ids)
        {
            var scheduler = SchedulerFactory.Create(id, SchedulerConfig.Parse(StableDiffusion15));
            scheduler.SetTimesteps(10);
            Assert.True(scheduler.Timesteps.Count >= 10, id);
        }
    }
}
