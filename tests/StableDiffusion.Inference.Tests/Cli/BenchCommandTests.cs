using System.Text.Json;
using StableDiffusion.Cli;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary>The bench verb, run in-process through the same entry as the <c>sd</c> program.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void BenchPrintsMediansOfEveryStageOverTheTimedRunsOnly()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["bench", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "--runs", "2", "--warmup", "1",
            "--steps", "2", "--width", "16", "--height", "16", "--provider", "cpu"], stdout, stderr);

        Assert.True(exitCode == 0, stderr.ToString());
        var line = Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("runs").GetInt32());
        Assert.Equal(2, root.GetProperty("settings").GetProperty("steps").GetInt32());
        Assert.Equal("CPU", root.GetProperty("provider").GetString());
        Assert.True(root.GetProperty("load_ms").GetDouble() > 0);
        foreach (var key in new[] { "tokenize", "text_encoder", "unet_total", "unet_per_step", "vae_decode", "total" })
        {
            var median = root.GetProperty("median").GetProperty(key).GetDouble();
            Assert.True(median > 0, key);
            Assert.InRange(median, root.GetProperty("min").GetProperty(key).GetDouble(), root.GetProperty("max").GetProperty(key).GetDouble());
        }
        Assert.Contains("unet_per_step", stderr.ToString());
    }

    [Fact]
    public void BenchHelpNamesTheRunsAndWarmupOptions()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["bench", "--help"], stdout, stderr);

        Assert.Equal(0, exitCode);
        Assert.Contains("--runs", stdout.ToString());
        Assert.Contains("--warmup", stdout.ToString());
    }

    [Fact]
    public void BenchWithABatchSizeComparesPerImageTimesOfSingleAndBatchedRuns()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["bench", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "--runs", "2", "--warmup", "0",
            "--steps", "2", "--width", "16", "--height", "16", "--batch-size", "3", "--provider", "cpu"], stdout, stderr);

        Assert.True(exitCode == 0, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        var batch = json.RootElement.GetProperty("batch");
        Assert.Equal(3, batch.GetProperty("images").GetInt32());
        Assert.Equal((3 * 2, 2), (batch.GetProperty("unet_calls").GetProperty("batch_1").GetInt32(), batch.GetProperty("unet_calls").GetProperty("batch_3").GetInt32()));
        Assert.True(batch.GetProperty("per_image_ms").GetProperty("batch_1").GetDouble() > 0);
        Assert.True(batch.GetProperty("per_image_ms").GetProperty("batch_3").GetDouble() > 0);
        Assert.True(batch.GetProperty("speedup_median").GetDouble() > 0);
        Assert.Contains("per image: batch 1", stderr.ToString());
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(3, json.RootElement.GetProperty("load_average").GetProperty("before").GetArrayLength());
        }
    }

    [Fact]
    public void BenchWithUsersRunsTheStudiosQueueWithSharedBatchesOffAndOnAlternately()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["bench", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "--users", "3", "--jobs", "2", "--runs", "2",
            "--warmup", "0", "--steps", "2", "--width", "64", "--height", "64", "--provider", "cpu"], stdout, stderr);

        Assert.True(exitCode == 0, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        var root = json.RootElement;
        Assert.Equal((3, 2, 4), (root.GetProperty("users").GetInt32(), root.GetProperty("jobs_per_user").GetInt32(), root.GetProperty("max_batch").GetInt32()));
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        // Alternated: off first, then on first.
        Assert.Equal(["off", "on", "ratio", "cpu_ratio"], runs[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["on", "off", "ratio", "cpu_ratio"], runs[1].EnumerateObject().Select(p => p.Name));
        foreach (var side in runs.SelectMany(run => new[] { run.GetProperty("off"), run.GetProperty("on") }))
        {
            Assert.Equal(3 * 2, side.GetProperty("images").GetInt32());
            Assert.True(side.GetProperty("images_per_second").GetDouble() > 0);
        }
        Assert.True(root.GetProperty("speedup_median").GetDouble() > 0);
        Assert.Contains("per CPU second", stderr.ToString());
    }

    [Fact]
    public void BenchWithFloorAddsTheFloorTotalAndTheMedianOfThePairsRatios()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["bench", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "--runs", "2", "--warmup", "0",
            "--steps", "3", "--width", "16", "--height", "16", "--floor", "--provider", "cpu"], stdout, stderr);

        Assert.True(exitCode == 0, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        var root = json.RootElement;
        var floor = root.GetProperty("floor");
        Assert.True(floor.GetProperty("total").GetDouble() > 0);
        Assert.Equal(3, floor.GetProperty("unet_calls").GetInt32());
        var pairs = root.GetProperty("floor_pairs").EnumerateArray().ToArray();
        Assert.Equal(2, pairs.Length);
        // The times are printed to 0.01 ms and the ratio to 0.001: a ratio of two rounded times may differ from the printed one
        // by their rounding (a floor under a millisecond, as a cold first pair can have, makes that a few hundredths).
        Assert.All(pairs, p =>
        {
            var (pipeline, floorMs) = (p.GetProperty("pipeline").GetDouble(), p.GetProperty("floor").GetDouble());
            var rounding = pipeline / floorMs * (0.005 / floorMs + 0.005 / pipeline) + 0.0005;
            Assert.Equal(pipeline / floorMs, p.GetProperty("ratio").GetDouble(), rounding);
        });
        var ratios = pairs.Select(p => p.GetProperty("ratio").GetDouble()).ToArray();
        Assert.Equal((ratios[0] + ratios[1]) / 2, root.GetProperty("floor_ratio").GetDouble(), 0.002);
        Assert.True(root.GetProperty("floor_ratio_cpu").GetDouble() > 0);
        Assert.Equal(2, stderr.ToString().Split('\n').Count(line => line.StartsWith("pair ", StringComparison.Ordinal) && line.Contains("load average")));
        if (OperatingSystem.IsLinux())
        {
            Assert.All(pairs, p => Assert.Equal(3, p.GetProperty("load_average").GetArrayLength()));
        }
    }

    [Fact]
    public void BenchWithoutFloorHasNoFloorFields()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["bench", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "--runs", "1", "--warmup", "0",
            "--steps", "1", "--width", "16", "--height", "16", "--provider", "cpu"], stdout, stderr);

        Assert.True(exitCode == 0, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        Assert.False(json.RootElement.TryGetProperty("floor", out _));
        Assert.False(json.RootElement.TryGetProperty("floor_ratio", out _));
    }
}
