using System.Text.Json.Nodes;
using StableDiffusion.Inference.Scheduling;
using Xunit.Abstractions;

namespace StableDiffusion.Inference.Tests.Scheduling;

/// <summary>
/// Replays every reference loop of diffusers' schedulers (tests/fixtures/golden/schedulers) with our double
/// implementation and the deterministic fake UNet described in its README, and compares every recorded tensor.
/// </summary>
public sealed class DiffusersGoldenTests(ITestOutputHelper output)
{
    // A plain-double implementation reaches 6.6e-7 of max(1, |reference|) against the float64 runs (tests/fixtures/golden/schedulers/README.md §4).
    private const double Tolerance = 2e-6;

    // The float32 runs round every latent to float32; a double implementation stays within 1e-5 of them.
    private const double Float32Tolerance = 1e-5;

    public static TheoryData<string> LoopFiles() => [.. GoldenData.LoopFiles()];

    public static TheoryData<int> SpacingVariants() =>
        [.. Enumerable.Range(0, GoldenData.Load("timestep_spacing_variants.json")["entries"]!.AsArray().Count)];

    [Fact]
    public void EveryReferenceLoopFileIsReplayed()
    {
        var ids = GoldenData.LoopFiles().Select(file => GoldenData.Load(file)["scheduler_id"]!.GetValue<string>()).Distinct().Count();
        Assert.True(ids >= 11, $"expected the 11 reference scheduler ids, found {ids}");
    }

    [Theory]
    [MemberData(nameof(LoopFiles))]
    public void EverySchedulerMatchesDiffusersFloat64Run(string file) => Replay(file, "float64", Tolerance);

    [Theory]
    [MemberData(nameof(LoopFiles))]
    public void EverySchedulerStaysWithinFloat32RunTolerance(string file) => Replay(file, "float32", Float32Tolerance);

    private void Replay(string file, string dtype, double tolerance)
    {
        var golden = GoldenData.Load(file);
        Assert.Equal("ok", golden["status"]!.GetValue<string>());
        var scheduler = CreateScheduler(golden);
        var steps = golden["num_inference_steps"]!.GetValue<int>();
        var run = golden["runs"]![dtype]!;
        var roundModelOutput = dtype == "float32";
        var worst = new WorstError();

        double[] latent;
        int start;
        if (golden["kind"]!.GetValue<string>() == "img2img")
        {
            start = ImageToImage.Begin(scheduler, steps, GoldenData.Number(golden["strength"]));
            Assert.Equal(run["start_index"]!.GetValue<int>(), start);
            var input = GoldenData.Numbers(golden["input_latent"]);
            var noise = GoldenData.Numbers(golden["add_noise_noise"]).Select(v => (float)v).ToArray();
            latent = new double[input.Length];
            scheduler.AddNoise(input, noise, start, latent);
            worst.Check("add_noise_output", latent, GoldenData.Numbers(run["add_noise_output"]));
        }
        else
        {
            scheduler.SetTimesteps(steps);
            start = 0;
            latent = GoldenData.Numbers(golden["start_latent"]).Select(v => v * scheduler.InitNoiseSigma).ToArray();
        }

        worst.Check("initial_latent", latent, GoldenData.Numbers(run["initial_latent"]));
        var referenceSteps = run["steps"]!.AsArray();
        Assert.Equal(referenceSteps.Count, scheduler.Timesteps.Count - start);
        double[] lastDenoised = [];
        var draws = 0;
        foreach (var step in referenceSteps)
        {
            var i = step!["i"]!.GetValue<int>();
            var index = start + i;
            var timestep = scheduler.Timesteps[index];
            Assert.Equal(GoldenData.Number(step["timestep"]), timestep);

            var scaled = new double[latent.Length];
            scheduler.ScaleModelInput(latent, index, scaled);
            var modelOutput = scaled.Select(x => 0.1 * x + Math.Sin(timestep / 100.0) * 0.05)
                .Select(value => roundModelOutput ? (float)value : value)
                .ToArray();
            var noise = step["noise"] is JsonArray values ? new ReplayingNoiseGenerator(GoldenData.Numbers(values)) : new ReplayingNoiseGenerator();
            lastDenoised = scheduler.Step(modelOutput, index, latent, noise);
            Assert.True(noise.IsExhausted, $"step {i} did not draw the noise the reference drew");
            draws += noise.Draws;

            if (step["dpm_update"] is JsonValue update && scheduler is DpmSolverMultistepScheduler dpm)
            {
                Assert.Equal(update.GetValue<string>(), dpm.LastUpdateOrder == 1 ? "first_order" : "second_order");
            }

            if (step["recorded"]!.GetValue<bool>())
            {
                worst.Check($"step {i} scaled_model_input", scaled, GoldenData.Numbers(step["scaled_model_input"]));
                worst.Check($"step {i} model_output", modelOutput, GoldenData.Numbers(step["model_output"]));
                if (step["pred_original_sample"] is JsonArray original)
                {
                    worst.Check($"step {i} pred_original_sample", lastDenoised, GoldenData.Numbers(original));
                }

                if (step["denoised"] is JsonArray denoised)
                {
                    worst.Check($"step {i} denoised", lastDenoised, GoldenData.Numbers(denoised));
                }

                worst.Check($"step {i} prev_sample", latent, GoldenData.Numbers(step["prev_sample"]));
            }
        }

        worst.Check("final_latent", latent, GoldenData.Numbers(run["final_latent"]));
        if (run["final_denoised"] is JsonArray finalDenoised)
        {
            worst.Check("final_denoised", lastDenoised, GoldenData.Numbers(finalDenoised));
        }

        Assert.Equal(run["num_noise_draws"]!.GetValue<int>(), draws);
        output.WriteLine($"{file} {dtype}: worst relative error {worst.Value:E2} at {worst.Where}");
        Assert.True(worst.Value <= tolerance, $"{file} {dtype}: relative error {worst.Value:E3} at {worst.Where} exceeds {tolerance:E1}");
    }

    [Theory]
    [MemberData(nameof(LoopFiles))]
    public void EveryScheduleMatchesDiffusersTimestepsSigmasAndInitNoiseSigma(string file)
    {
        var golden = GoldenData.Load(file);
        var scheduler = CreateScheduler(golden);
        scheduler.SetTimesteps(golden["num_inference_steps"]!.GetValue<int>());
        var schedule = golden["schedule"]!;
        AssertScheduleMatches(scheduler, schedule["timesteps"], schedule["sigmas"], schedule["init_noise_sigma"]);
        Assert.Equal(schedule["order"]!.GetValue<int>(), scheduler.Order);
    }

    [Theory]
    [MemberData(nameof(SpacingVariants))]
    public void EveryTimestepSpacingVariantMatchesDiffusers(int entryIndex)
    {
        var variants = GoldenData.Load("timestep_spacing_variants.json");
        var entry = variants["entries"]![entryIndex]!;
        Assert.Equal("ok", entry["status"]!.GetValue<string>());
        var (id, eta) = GoldenData.SchedulerFor(entry["scheduler_id"]!.GetValue<string>());
        var config = SchedulerConfig.Parse(variants["base_config"]!.ToJsonString()) with
        {
            TimestepSpacing = SchedulerConfig.ParseTimestepSpacing(entry["timestep_spacing"]!.GetValue<string>()),
        };
        var scheduler = SchedulerFactory.Create(id, config, eta);
        scheduler.SetTimesteps(entry["num_inference_steps"]!.GetValue<int>());
        AssertScheduleMatches(scheduler, entry["timesteps"], entry["sigmas"], entry["init_noise_sigma"]);
    }

    [Theory]
    [InlineData("lms_steps4.json")]
    [InlineData("lms_steps20.json")]
    public void LmsCoefficientsMatchScipyQuadrature(string file)
    {
        var golden = GoldenData.Load(file);
        var scheduler = (LmsDiscreteScheduler)CreateScheduler(golden);
        scheduler.SetTimesteps(golden["num_inference_steps"]!.GetValue<int>());
        var checkedCount = 0;
        foreach (var step in golden["runs"]!["float64"]!["steps"]!.AsArray())
        {
            foreach (var coefficient in step!["lms_coefficients"]!.AsArray())
            {
                var expected = GoldenData.Number(coefficient!["value"]);
                var actual = scheduler.Coefficient(coefficient["order"]!.GetValue<int>(), coefficient["t"]!.GetValue<int>(), coefficient["current_order"]!.GetValue<int>());

                // scipy's quad (epsrel 1e-4) over a float32 integrand against exact Gauss–Legendre in double.
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{actual:R} vs {expected:R}");
                checkedCount++;
            }
        }

        Assert.True(checkedCount >= 4);
    }

    [Fact]
    public void NoiseScheduleMatchesTorchFloat32Schedule()
    {
        var common = GoldenData.Load("common_schedule.json");
        var schedule = NoiseSchedule.FromConfig(SchedulerConfig.Parse(common["config"]!.ToJsonString()));
        AssertRelative(GoldenData.Numbers(common["betas"]), schedule.Betas, 1e-6, "betas");
        AssertRelative(GoldenData.Numbers(common["alphas_cumprod"]), schedule.AlphasCumprod, 1e-6, "alphas_cumprod");

        // Near t = 0, σ = √((1−ᾱ)/ᾱ) amplifies one float32 ulp of torch's ᾱ (whose betas come from torch's own
        // float32 linspace) to ~1e-5 relative; computing the schedule in double cannot do better without copying torch's
        // vectorised float32 linspace.
        AssertRelative(GoldenData.Numbers(common["train_sigmas"]), schedule.TrainSigmas, 1e-5, "train_sigmas");
    }

    private static IScheduler CreateScheduler(JsonNode golden)
    {
        var (id, eta) = GoldenData.SchedulerFor(golden["scheduler_id"]!.GetValue<string>());
        Assert.Equal(golden["step_kwargs"]?["eta"] is JsonValue value ? value.GetValue<double>() : 0, eta);
        var config = SchedulerConfig.Parse(golden["config_source"]!["base_config"]!.ToJsonString());
        if (golden["config_source"]!["overrides"]?["original_inference_steps"] is JsonValue original)
        {
            config = config with { OriginalInferenceSteps = original.GetValue<int>() };
        }

        return SchedulerFactory.Create(id, config, eta);
    }

    private static void AssertScheduleMatches(IScheduler scheduler, JsonNode? timesteps, JsonNode? sigmas, JsonNode? initNoiseSigma)
    {
        Assert.Equal(GoldenData.Numbers(timesteps), scheduler.Timesteps);
        Assert.Equal(timesteps!["dtype"]!.GetValue<string>() == "int64", scheduler.HasIntegerTimesteps);
        var expectedSigma = GoldenData.Scalar(initNoiseSigma);
        Assert.True(Math.Abs(scheduler.InitNoiseSigma - expectedSigma) <= Tolerance * Math.Max(1, expectedSigma), $"init_noise_sigma {scheduler.InitNoiseSigma} vs {expectedSigma}");
        IReadOnlyList<double>? actualSigmas = scheduler switch
        {
            EulerDiscreteScheduler euler => euler.Sigmas,
            EulerAncestralDiscreteScheduler ancestral => ancestral.Sigmas,
            LmsDiscreteScheduler lms => lms.Sigmas,
            HeunDiscreteScheduler heun => heun.Sigmas,
            DpmSolverMultistepScheduler dpm => dpm.Sigmas,
            _ => null,
        };
        if (sigmas is null)
        {
            Assert.Null(actualSigmas);
            return;
        }

        Assert.NotNull(actualSigmas);
        AssertRelative(GoldenData.Numbers(sigmas), actualSigmas, Tolerance, "sigmas", floor: 1);
    }

    /// <summary>Each |actual − expected| within tolerance · max(floor, |expected|).</summary>
    private static void AssertRelative(double[] expected, IReadOnlyList<double> actual, double tolerance, string what, double floor = 0)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), Math.Max(floor, 1e-30));
            Assert.True(error <= tolerance || actual[i] == expected[i], $"{what}[{i}]: {actual[i]:R} vs {expected[i]:R} (relative {error:E2})");
        }
    }

    private sealed class WorstError
    {
        public double Value { get; private set; }

        public string Where { get; private set; } = "nowhere";

        public void Check(string where, ReadOnlySpan<double> actual, double[] expected)
        {
            var error = GoldenData.RelativeError(actual, expected);
            if (error >= Value)
            {
                Value = error;
                Where = where;
            }
        }
    }
}
