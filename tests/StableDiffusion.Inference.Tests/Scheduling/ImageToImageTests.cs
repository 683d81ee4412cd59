using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Scheduling;

/// <summary>
/// StableDiffusionImg2ImgPipeline's start index and add_noise: init_timestep = min(int(N·strength), N), the loop starts at
/// (N − init_timestep)·order, and the encoded image is noised to that step (not multiplied by init_noise_sigma).
/// </summary>
public sealed class ImageToImageTests
{
    private static SchedulerConfig StableDiffusion15 => SchedulerConfig.Parse(
        """{"beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "clip_sample": false}""");

    [Theory]
    [InlineData(20, 0.6, 1, 8)]
    [InlineData(20, 0.6, 2, 16)]
    [InlineData(20, 1.0, 1, 0)]
    [InlineData(20, 0.0, 1, 20)]
    [InlineData(30, 0.75, 1, 8)]
    [InlineData(7, 0.5, 1, 4)]
    public void StartIndexFollowsDiffusersImg2ImgPipeline(int steps, double strength, int order, int start)
    {
        Assert.Equal(start, ImageToImage.StartIndex(steps, strength, order));
    }

    [Theory]
    [InlineData(20, 0.6, 1, 8)]
    [InlineData(20, 0.6, 2, 16)]
    [InlineData(20, 1.0, 1, 0)]
    [InlineData(20, 0.04, 1, 19)]
    [InlineData(20, 0.0, 1, 19)]
    [InlineData(10, 0.05, 2, 18)]
    [InlineData(1, 0.5, 1, 0)]
    public void StartIndexForAtLeastOneStepMovesOnlyTheStartsThatWouldLeaveNothingToDenoise(int steps, double strength, int order, int start)
    {
        Assert.Equal(start, ImageToImage.StartIndexForAtLeastOneStep(steps, strength, order));
        if ((int)(steps * strength) >= 1)
        {
            Assert.Equal(ImageToImage.StartIndex(steps, strength, order), ImageToImage.StartIndexForAtLeastOneStep(steps, strength, order));
        }
    }

    [Fact]
    public void EverySchedulerRunsAtLeastOneStepFromTheClampedStart()
    {
        foreach (var id in SamplerCatalog.Ids)
        {
            foreach (var steps in new[] { 1, 2, 7, 20 })
            {
                var scheduler = SchedulerFactory.Create(id, StableDiffusion15);
                scheduler.SetTimesteps(steps);

                var start = ImageToImage.StartIndexForAtLeastOneStep(steps, 0.01, scheduler.Order);

                Assert.True(scheduler.Timesteps.Count - start >= 1, $"{id} at {steps} steps starts at {start} of {scheduler.Timesteps.Count}");
            }
        }
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void StrengthOutsideZeroToOneIsRejected(double strength)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageToImage.StartIndex(20, strength, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageToImage.StartIndexForAtLeastOneStep(20, strength, 1));
    }

    [Fact]
    public void DdimNoisesTheImageAtTimestep551()
    {
        var scheduler = SchedulerFactory.Create("ddim", StableDiffusion15);
        var start = ImageToImage.Begin(scheduler, 20, 0.6);
        var alpha = NoiseSchedule.FromConfig(StableDiffusion15).AlphasCumprod[551];

        var noisy = new double[2];
        scheduler.AddNoise([1.0, -2.0], [0.5f, 0.25f], start, noisy);

        Assert.Equal(551, scheduler.Timesteps[start]);
        Assert.Equal(Math.Sqrt(alpha) * 1.0 + Math.Sqrt(1 - alpha) * 0.5, noisy[0], 12);
        Assert.Equal(Math.Sqrt(alpha) * -2.0 + Math.Sqrt(1 - alpha) * 0.25, noisy[1], 12);
    }

    [Fact]
    public void EulerNoisesTheImageWithTheSigmaAtTheBeginIndex()
    {
        var scheduler = (EulerDiscreteScheduler)SchedulerFactory.Create("euler", StableDiffusion15);
        var start = ImageToImage.Begin(scheduler, 20, 0.6);

        var noisy = new double[1];
        scheduler.AddNoise([1.0], [2.0f], start, noisy);

        Assert.Equal(578.368408203125, scheduler.Timesteps[start]);
        Assert.Equal(1.0 + 2.0 * scheduler.Sigmas[8], noisy[0], 12);

        // The loop then starts at the begin index; an earlier step is out of order.
        Assert.Throws<InvalidOperationException>(() => scheduler.Step(new double[1], 0, noisy, new ReplayingNoiseGenerator()));
        scheduler.Step(new double[1], start, noisy, new ReplayingNoiseGenerator());
    }

    [Fact]
    public void HeunBeginsWithAPredictorFromTheSameTimestepAsEuler()
    {
        var scheduler = (HeunDiscreteScheduler)SchedulerFactory.Create("heun", StableDiffusion15);
        var start = ImageToImage.Begin(scheduler, 20, 0.6);

        // Iteration 2k predicts from t_k to t_{k+1}; iteration 2k+1 corrects at t_{k+1}.
        Assert.Equal(16, start);
        Assert.Equal(578.368408203125, scheduler.Timesteps[start]);
        Assert.Equal(scheduler.Sigmas[start + 1], scheduler.Sigmas[start + 2]);
        var latent = new double[] { 1.0 };
        scheduler.Step([0.5], start, latent, new ReplayingNoiseGenerator());
        var predicted = latent[0];
        scheduler.Step([0.5], start + 1, latent, new ReplayingNoiseGenerator());

        // A constant ε makes predictor and corrector slopes equal: both land on 1 + 0.5·(σ9 − σ8).
        Assert.Equal(1 + 0.5 * (scheduler.Sigmas[17] - scheduler.Sigmas[16]), predicted, 12);
        Assert.Equal(predicted, latent[0], 12);
    }
}
