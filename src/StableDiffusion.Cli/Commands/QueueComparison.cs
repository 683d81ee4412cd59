using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// The two sides of <c>sd bench --users</c>: one studio with shared batches off and one with them on, loaded once, run
/// alternately (off then on, then on then off, …) so that a change in the machine's load falls on both; the ratio of each
/// pair's images per second, its median, and the load average beside every figure.
/// </summary>
internal sealed class QueueComparison(int users, int jobs, int maxBatch, int runs, int warmup)
{
    public async Task<Dictionary<string, object>> RunAsync(string modelDirectory, ModelDefaults defaults, InferenceOptions inference, TextWriter error,
        Func<double[]?> loadAverage, CancellationToken cancellationToken)
    {
        var request = GenerationSettings.ForModel(ModelFolder.NameOf(modelDirectory), defaults);
        await using var off = await QueueBench.StartAsync(modelDirectory, 1, jobs, inference);
        await using var on = await QueueBench.StartAsync(modelDirectory, maxBatch, jobs, inference);
        // Untimed: the first jobs open ONNX Runtime's sessions and plan its allocations.
        for (var i = 0; i < warmup; i++)
        {
            await off.RunAsync(users, 1, request, 1_000_000, cancellationToken);
            await on.RunAsync(users, 1, request, 1_000_000, cancellationToken);
        }

        var pairs = new List<Dictionary<string, object>>();
        var (offRates, onRates, ratios) = (new List<double>(), new List<double>(), new List<double>());
        var (offCpuRates, onCpuRates, cpuRatios) = (new List<double>(), new List<double>(), new List<double>());
        for (var run = 0; run < runs; run++)
        {
            var seed = (long)run * users * jobs;
            var sides = run % 2 == 0 ? new[] { ("off", off), ("on", on) } : [("on", on), ("off", off)];
            var pair = new Dictionary<string, object>();
            foreach (var (name, studio) in sides)
            {
                var load = loadAverage();
                var (images, seconds, cpuSeconds) = await studio.RunAsync(users, jobs, request, seed, cancellationToken);
                var (rate, cpuRate) = (images / seconds, images / cpuSeconds);
                (name == "off" ? offRates : onRates).Add(rate);
                (name == "off" ? offCpuRates : onCpuRates).Add(cpuRate);
                pair[name] = new Dictionary<string, object>
                {
                    ["images"] = images, ["images_per_second"] = Math.Round(rate, 3), ["seconds"] = Math.Round(seconds, 3),
                    ["images_per_cpu_second"] = Math.Round(cpuRate, 3), ["load_average"] = load ?? [],
                };
                error.WriteLine($"run {run + 1} {name,-3}: {images} images in {seconds:F2} s = {rate:F2} images/s, {cpuRate:F2} per CPU second (load average {Load(load)})");
            }
            ratios.Add(onRates[^1] / offRates[^1]);
            cpuRatios.Add(onCpuRates[^1] / offCpuRates[^1]);
            pair["ratio"] = Math.Round(ratios[^1], 3);
            pair["cpu_ratio"] = Math.Round(cpuRatios[^1], 3);
            pairs.Add(pair);
        }

        var ratio = BenchCommand.Median([.. ratios]);
        error.WriteLine($"shared batches (max {maxBatch} images): median {BenchCommand.Median([.. onRates]):F2} images/s against {BenchCommand.Median([.. offRates]):F2} off, x{ratio:F2}; " +
            $"per CPU second x{BenchCommand.Median([.. cpuRatios]):F2}");
        return new Dictionary<string, object>
        {
            ["model"] = request.Model,
            ["settings"] = new Dictionary<string, object>
            {
                ["steps"] = defaults.Steps, ["guidance"] = defaults.GuidanceScale, ["scheduler"] = defaults.Scheduler, ["width"] = defaults.Width, ["height"] = defaults.Height,
            },
            ["users"] = users,
            ["jobs_per_user"] = jobs,
            ["max_batch"] = maxBatch,
            ["runs"] = pairs,
            ["images_per_second_median"] = new Dictionary<string, double> { ["off"] = Math.Round(BenchCommand.Median([.. offRates]), 3), ["on"] = Math.Round(BenchCommand.Median([.. onRates]), 3) },
            ["speedup_median"] = Math.Round(ratio, 3),
            ["images_per_cpu_second_median"] = new Dictionary<string, double>
            {
                ["off"] = Math.Round(BenchCommand.Median([.. offCpuRates]), 3), ["on"] = Math.Round(BenchCommand.Median([.. onCpuRates]), 3),
            },
            ["cpu_speedup_median"] = Math.Round(BenchCommand.Median([.. cpuRatios]), 3),
            ["load_average_after"] = loadAverage() ?? [],
        };
    }

    private static string Load(double[]? load) => load is null ? "unknown" : string.Join(" ", load);
}
