using System.CommandLine;
using System.Text.Json;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.StepCaching;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// <c>sd bench</c>: loads a model once, runs untimed warm-up generations (ONNX Runtime allocates and plans on the first
/// run), then timed ones with seeds 0, 1, …, and prints the median, minimum and maximum of every stage as one JSON line.
/// With <c>--batch-size N</c> each timed run is a pair, alternated in this one process so both see the same machine: N
/// images one at a time, then the same N images as one batch; it adds the per-image times of each and the median of the
/// pairs' speed-ups, with the load average before and after (other work on the machine skews a benchmark).
/// With <c>--floor</c> each timed run is paired with <see cref="OnnxFloor"/>, the bare ONNX calls of the same generation on the
/// same sessions, in alternating order; the median of the pairs' ratios says how far the pipeline is above that floor. The
/// floor calls the text encoder only when the pipeline does: a repeated prompt comes from the pipeline's cache.
/// </summary>
internal static class BenchCommand
{
    private const string DefaultPrompt = "two yellow squares on a black background";

    private static readonly (string Key, Func<GenerationTimings, double> Of)[] Stages =
    [
        ("tokenize", t => t.Tokenize),
        ("text_encoder", t => t.TextEncoder),
        ("unet_total", t => t.UnetTotal),
        ("unet_per_step", t => t.UnetPerStep),
        ("unet_per_image", t => t.UnetPerImage),
        ("vae_decode", t => t.VaeDecode),
        ("total", t => t.Total),
    ];

    public static Command Create()
    {
        var models = new ModelOptions();
        var prompt = new Option<string>("--prompt", "-p") { Description = "What to draw", DefaultValueFactory = _ => DefaultPrompt };
        var sampling = new SamplingOptions();
        var runs = new Option<int>("--runs") { Description = "Timed generations (seeds 0 … runs-1)", DefaultValueFactory = _ => 5 };
        runs.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--runs must be at least 1."); });
        var warmup = new Option<int>("--warmup") { Description = "Untimed generations before the timed ones", DefaultValueFactory = _ => 1 };
        warmup.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 0) result.AddError("--warmup must not be negative."); });
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Compare N images made one at a time with the same N made as one batch (per-image times, median speed-up)",
            DefaultValueFactory = _ => 1,
        };
        batchSize.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--batch-size must be at least 1."); });
        var search = new Option<bool>("--search") { Description = "Time the gallery's search by meaning over random vectors instead (no model is loaded)" };
        var searchImages = new Option<int>("--search-images") { Description = "Vectors searched with --search", DefaultValueFactory = _ => 10_000 };
        searchImages.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--search-images must be at least 1."); });
        var searchDimension = new Option<int>("--search-dimension")
        {
            Description = "Floats per vector with --search (512 for OpenAI's ViT-B/32, 128 for the embedded CLIP)",
            DefaultValueFactory = _ => 512,
        };
        searchDimension.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--search-dimension must be at least 1."); });
        var users = new Option<int>("--users")
        {
            Description = "Run the studio's queue and worker in-process with N users submitting --jobs jobs each; compare shared batches off and on (images per second)",
        };
        users.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 0) result.AddError("--users must not be negative."); });
        var jobs = new Option<int>("--jobs") { Description = "Jobs each of the --users submits at once", DefaultValueFactory = _ => 5 };
        jobs.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--jobs must be at least 1."); });
        var maxBatch = new Option<int>("--max-batch") { Description = "With --users: Studio:Worker:MaxBatch of the shared-batch side", DefaultValueFactory = _ => 4 };
        maxBatch.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 2) result.AddError("--max-batch must be at least 2."); });
        var floor = new Option<bool>("--floor")
        {
            Description = "Alternate each run with the bare ONNX calls it makes (same sessions, shapes and count) and report pipeline ÷ floor",
        };
        var cache = new StepCacheBenchOptions();

        var command = new Command("bench", "Measure generation speed: the median, minimum and maximum of each stage over several runs")
        {
            models.Model, prompt,
        };
        foreach (var option in sampling.All.Append(runs).Append(warmup).Append(batchSize).Append(search).Append(searchImages).Append(searchDimension).Append(floor).Append(users).Append(jobs).Append(maxBatch).Concat(cache.All)
                     .Append(models.Provider).Append(models.Threads).Append(models.Spinning).Append(models.IoBinding).Append(models.CudaGraph))
        {
            command.Options.Add(option);
        }
        command.SetAction((parsed, cancellationToken) => Task.FromResult(CommandFailure.Guard(parsed.InvocationConfiguration.Error, () =>
        {
            if (parsed.GetValue(search))
            {
                var figures = SearchBench.Run(parsed.GetValue(searchImages), parsed.GetValue(searchDimension), Math.Max(parsed.GetValue(runs), 21),
                    Math.Max(parsed.GetValue(warmup), 3), parsed.InvocationConfiguration.Error);
                parsed.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(figures));
                return 0;
            }

            if (parsed.GetValue(users) > 0)
            {
                var queue = new QueueComparison(parsed.GetValue(users), parsed.GetValue(jobs), parsed.GetValue(maxBatch), parsed.GetValue(runs), parsed.GetValue(warmup));
                var directory = ModelOptions.Resolve(parsed.GetValue(models.Model));
                var inference = new InferenceOptions
                {
                    ExecutionProvider = parsed.GetValue(models.Provider)!,
                    IntraOpThreads = parsed.GetValue(models.Threads),
                    AllowSpinning = parsed.GetValue(models.Spinning),
                };
                var defaults = sampling.Resolve(parsed, ModelFolder.Describe(directory).Defaults);
                var line = queue.RunAsync(directory, defaults, inference, parsed.InvocationConfiguration.Error, LoadAverage, cancellationToken).GetAwaiter().GetResult();
                parsed.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(line));
                return 0;
            }

            using var sd = models.Load(parsed, out var loadMs);
            var settings = sampling.Resolve(parsed, sd.Defaults);
            if (cache.IsRequested(parsed))
            {
                parsed.InvocationConfiguration.Output.WriteLine(cache.Run(parsed, sd, settings, cancellationToken));
                return 0;
            }
            var pipeline = new StableDiffusionPipeline(sd);
            var size = parsed.GetValue(batchSize);
            GenerationSettings Request(long seed, int batch) =>
                GenerationSettings.ForModel(sd.Name, settings) with { Prompt = parsed.GetValue(prompt)!, Seed = seed, BatchSize = batch, BatchCount = size / batch };

            using var floorCalls = parsed.GetValue(floor) ? OnnxFloor.Prepare(sd, Request(0, size)) : null;
            var loadBefore = LoadAverage();
            for (var i = 0; i < parsed.GetValue(warmup); i++)
            {
                pipeline.Generate(Request(i, size), null, cancellationToken);
                if (size > 1)
                {
                    pipeline.Generate(Request(i, 1), null, cancellationToken);
                }
                floorCalls?.Run(cancellationToken: cancellationToken);
            }
            // Alternated: a one-at-a-time run, then the batched run of the same seeds.
            var timings = new List<GenerationTimings>();
            var single = new List<GenerationTimings>();
            var pairs = new List<FloorPair>();
            // The pipeline encodes the prompt on its first run and then takes it from its cache; the floor makes the calls it makes.
            var promptCached = parsed.GetValue(warmup) > 0;
            for (var run = 0; run < parsed.GetValue(runs); run++)
            {
                var seed = (long)run * size;
                if (size > 1)
                {
                    single.Add(pipeline.Generate(Request(seed, 1), null, cancellationToken).Timings);
                }
                if (floorCalls is null)
                {
                    timings.Add(pipeline.Generate(Request(seed, size), null, cancellationToken).Timings);
                    continue;
                }
                // The floor goes first on odd runs, so a drift in the machine's load favours neither side.
                var (floorFirst, cpu) = (run % 2 == 1, CpuMilliseconds());
                var floorRun = floorFirst ? floorCalls.Run(encodePrompt: !promptCached, cancellationToken) : null;
                var floorCpu = floorFirst ? CpuMilliseconds() - cpu : 0;
                var textEncoderCalls = sd.TextEncoder.Calls;
                cpu = CpuMilliseconds();
                var generated = pipeline.Generate(Request(seed, size), null, cancellationToken).Timings;
                var pipelineCpu = CpuMilliseconds() - cpu;
                var promptEncoded = sd.TextEncoder.Calls > textEncoderCalls;
                promptCached = true;
                cpu = CpuMilliseconds();
                floorRun ??= floorCalls.Run(promptEncoded, cancellationToken);
                floorCpu = floorFirst ? floorCpu : CpuMilliseconds() - cpu;
                timings.Add(generated);
                pairs.Add(new FloorPair(generated, floorRun, pipelineCpu, floorCpu, LoadAverage()));
            }
            var loadAfter = LoadAverage();

            var error = parsed.InvocationConfiguration.Error;
            PrintTable(error, sd, settings, timings);
            var summary = new Dictionary<string, object>
            {
                ["model"] = sd.Name,
                ["provider"] = sd.ExecutionProvider,
                ["settings"] = new Dictionary<string, object>
                {
                    ["prompt"] = parsed.GetValue(prompt)!,
                    ["steps"] = settings.Steps,
                    ["guidance"] = settings.GuidanceScale,
                    ["scheduler"] = settings.Scheduler,
                    ["width"] = settings.Width,
                    ["height"] = settings.Height,
                    ["batch_size"] = size,
                },
                ["runs"] = timings.Count,
                ["load_ms"] = Round(loadMs),
                ["median"] = Summary(timings, Median),
                ["min"] = Summary(timings, values => values.Min()),
                ["max"] = Summary(timings, values => values.Max()),
            };
            if (size > 1)
            {
                summary["batch"] = BatchComparison(error, size, single, timings);
            }
            if (floorCalls is not null)
            {
                AddFloor(summary, error, pairs);
            }
            if (loadBefore is not null && loadAfter is not null)
            {
                summary["load_average"] = new Dictionary<string, double[]> { ["before"] = loadBefore, ["after"] = loadAfter };
                error.WriteLine($"load average: before {string.Join(" ", loadBefore)}, after {string.Join(" ", loadAfter)}");
            }
            parsed.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(summary));
            return 0;
        })));
        return command;
    }

    /// <summary>Per-image milliseconds one at a time and batched, and the median of the pairs' ratios (above 1: batching is faster).</summary>
    private static Dictionary<string, object> BatchComparison(TextWriter error, int size, List<GenerationTimings> single, List<GenerationTimings> batched)
    {
        double PerImage(GenerationTimings t) => t.Total / t.Images;
        var (singleMs, batchedMs) = (Median([.. single.Select(PerImage)]), Median([.. batched.Select(PerImage)]));
        var speedUp = Median([.. single.Zip(batched, (one, many) => PerImage(one) / PerImage(many))]);
        var unetSpeedUp = Median([.. single.Zip(batched, (one, many) => one.UnetPerImage / many.UnetPerImage)]);
        error.WriteLine($"per image: batch 1 {singleMs:F2} ms, batch {size} {batchedMs:F2} ms; median speed-up x{speedUp:F2} (UNet x{unetSpeedUp:F2})");
        var comparison = new Dictionary<string, object>
        {
            ["images"] = size,
            ["per_image_ms"] = new Dictionary<string, double> { ["batch_1"] = Round(singleMs), [$"batch_{size}"] = Round(batchedMs) },
            ["unet_per_image_ms"] = new Dictionary<string, double>
            {
                ["batch_1"] = Round(Median([.. single.Select(t => t.UnetPerImage)])),
                [$"batch_{size}"] = Round(Median([.. batched.Select(t => t.UnetPerImage)])),
            },
            ["unet_calls"] = new Dictionary<string, int> { ["batch_1"] = single[0].UnetCalls, [$"batch_{size}"] = batched[0].UnetCalls },
            ["speedup_median"] = Math.Round(speedUp, 3),
            ["unet_speedup_median"] = Math.Round(unetSpeedUp, 3),
        };
        return comparison;
    }

    /// <summary>
    /// The floor's median milliseconds per component and <c>floor_ratio</c>, the median of the pairs' pipeline ÷ floor totals;
    /// each pair is printed with the load average it ran at. The same ratio over the process's CPU time
    /// (<c>floor_ratio_cpu</c>) changes little when other work takes the cores, so it shows the pipeline's own overhead
    /// on a busy machine.
    /// </summary>
    private static void AddFloor(Dictionary<string, object> summary, TextWriter error, List<FloorPair> pairs)
    {
        for (var pair = 0; pair < pairs.Count; pair++)
        {
            var (pipeline, floor, load) = (pairs[pair].Pipeline.Total, pairs[pair].Floor.Total, pairs[pair].Load is { } average ? string.Join(" ", average) : "unknown");
            error.WriteLine($"pair {pair + 1}: pipeline {pipeline:F2} ms, floor {floor:F2} ms, ratio {pairs[pair].Ratio:F3}, CPU ratio {pairs[pair].CpuRatio:F3} (load average {load})");
        }
        var (ratio, cpuRatio) = (Median([.. pairs.Select(p => p.Ratio)]), Median([.. pairs.Select(p => p.CpuRatio)]));
        double FloorMedian(Func<FloorTimings, double> of) => Round(Median([.. pairs.Select(p => of(p.Floor))]));
        summary["floor"] = new Dictionary<string, object>
        {
            ["total"] = FloorMedian(f => f.Total),
            ["text_encoder"] = FloorMedian(f => f.TextEncoder),
            ["unet_total"] = FloorMedian(f => f.Unet),
            ["vae_decode"] = FloorMedian(f => f.VaeDecode),
            ["unet_calls"] = pairs[0].Floor.UnetCalls,
        };
        summary["floor_ratio"] = Math.Round(ratio, 3);
        summary["floor_ratio_cpu"] = Math.Round(cpuRatio, 3);
        summary["floor_pairs"] = pairs.Select(p => new Dictionary<string, object?>
        {
            ["pipeline"] = Round(p.Pipeline.Total),
            ["floor"] = Round(p.Floor.Total),
            ["ratio"] = Math.Round(p.Ratio, 3),
            ["cpu_ratio"] = Math.Round(p.CpuRatio, 3),
            ["load_average"] = p.Load,
        }).ToArray();
        error.WriteLine($"floor: median {FloorMedian(f => f.Total):F2} ms; pipeline ÷ floor median {ratio:F3} (CPU time {cpuRatio:F3})");
    }

    /// <summary>One pipeline run and its floor, with the process's CPU milliseconds for each and the load average after them.</summary>
    private sealed record FloorPair(GenerationTimings Pipeline, FloorTimings Floor, double PipelineCpu, double FloorCpu, double[]? Load)
    {
        public double Ratio => Pipeline.Total / Floor.Total;

        public double CpuRatio => PipelineCpu / FloorCpu;
    }

    private static double CpuMilliseconds() => Environment.CpuUsage.TotalTime.TotalMilliseconds;

    /// <summary>The 1, 5 and 15 minute load averages, where the system tells them (Linux); null elsewhere.</summary>
    internal static double[]? LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return [.. fields.Take(3).Select(f => double.Parse(f, System.Globalization.CultureInfo.InvariantCulture))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static Dictionary<string, double> Summary(List<GenerationTimings> timings, Func<double[], double> statistic) =>
        Stages.ToDictionary(stage => stage.Key, stage => Round(statistic(timings.Select(stage.Of).ToArray())));

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count); the array is left as it is.</summary>
    internal static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void PrintTable(TextWriter error, StableDiffusionModel sd, ModelDefaults settings, List<GenerationTimings> timings)
    {
        error.WriteLine($"{sd.Name} on {sd.ExecutionProvider}: {settings.Steps} steps {settings.Scheduler}, guidance {settings.GuidanceScale}, {settings.Width}x{settings.Height}, {timings.Count} runs");
        error.WriteLine($"{"stage (ms)",-14} {"median",10} {"min",10} {"max",10}");
        foreach (var (key, of) in Stages)
        {
            var values = timings.Select(of).ToArray();
            error.WriteLine($"{key,-14} {Median(values),10:F2} {values.Min(),10:F2} {values.Max(),10:F2}");
        }
    }

    private static double Round(double milliseconds) => Math.Round(milliseconds, 2);
}
