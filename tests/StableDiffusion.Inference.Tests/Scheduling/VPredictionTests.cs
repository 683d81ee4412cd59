using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Scheduling;

/// <summary>
/// v-prediction (SD 2.x at 768 px): fed the exact velocity v = √ᾱ·ε − √(1−ᾱ)·x₀ of a known clean sample,
/// every scheduler must recover that x₀, each through its own update rule.
/// </summary>
public sealed class VPredictionTests
{
    // stabilityai/stable-diffusion-2-1 scheduler/scheduler_config.json.
    private static SchedulerConfig StableDiffusion21 => SchedulerConfig.Parse(
        """{"_class_name": "DDIMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000, "prediction_type": "v_prediction", "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}""");

    private static readonly double[] Clean = [0.5, -1.25, 2.0, 0.0];
    private static readonly double[] Epsilon = [1.0, 0.3, -0.7, 1.6];

    [Theory]
    [InlineData("ddim", false)]
    [InlineData("pndm", false)]
    [InlineData("ddpm", false)]
    [InlineData("dpmpp-2m", false)]
    [InlineData("dpmpp-2m-karras", false)]
    [InlineData("euler", true)]
    [InlineData("euler-a", true)]
    [InlineData("lms", true)]
    [InlineData("heun", true)]
    public void ExactVelocityRecoversTheCleanSample(string id, bool sigmaSpace)
    {
        var scheduler = SchedulerFactory.Create(id, StableDiffusion21);
        scheduler.SetTimesteps(10);
        var schedule = NoiseSchedule.FromConfig(StableDiffusion21);

        // σ-space latents are x₀ + σ·ε and are scaled by 1/√(σ²+1) for the model; ᾱ-space latents are the model input.
        var alpha = sigmaSpace
            ? 1 / (scheduler.InitNoiseSigma * scheduler.InitNoiseSigma + 1)
            : schedule.AlphasCumprod[(int)scheduler.Timesteps[0]];
        var sigma = Math.Sqrt((1 - alpha) / alpha);
        var latent = sigmaSpace
            ? Clean.Zip(Epsilon, (x, e) => x + sigma * e).ToArray()
            : Clean.Zip(Epsilon, (x, e) => Math.Sqrt(alpha) * x + Math.Sqrt(1 - alpha) * e).ToArray();
        var velocity = Clean.Zip(Epsilon, (x, e) => Math.Sqrt(alpha) * e - Math.Sqrt(1 - alpha) * x).ToArray();

        var original = scheduler.Step(velocity, 0, latent, new ReplayingNoiseGenerator(new double[4]));

        for (var i = 0; i < Clean.Length; i++)
        {
            Assert.Equal(Clean[i], original[i], 1e-4);
        }
    }

    [Fact]
    public void LcmDenoisesAnExactVelocityTowardsTheCleanSample()
    {
        var scheduler = SchedulerFactory.Create("lcm", StableDiffusion21);
        scheduler.SetTimesteps(1);
        var alpha = NoiseSchedule.FromConfig(StableDiffusion21).AlphasCumprod[999];
        var latent = Clean.Zip(Epsilon, (x, e) => Math.Sqrt(alpha) * x + Math.Sqrt(1 - alpha) * e).ToArray();
        var velocity = Clean.Zip(Epsilon, (x, e) => Math.Sqrt(alpha) * e - Math.Sqrt(1 - alpha) * x).ToArray();

        var denoised = scheduler.Step(velocity, 0, latent, new ReplayingNoiseGenerator());

        // At t = 999, c_skip = 0.25/(9990² + 0.25) ≈ 2.5e-9: the result is x₀ to within that weight.
        for (var i = 0; i < Clean.Length; i++)
        {
            Assert.Equal(Clean[i], denoised[i], 1e-6);
        }
    }
}
