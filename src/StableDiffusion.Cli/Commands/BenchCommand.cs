using System.CommandLine;
using System.Text.Json;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// <c>sd bench</c>: loads a model once, runs untimed warm-up generations (ONNX Runtime allocates and plans on the first
/// run), then timed ones with seeds 0, 1, …, and prints the median, minimum and maximum of every stage as one JSON line.
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

        var command = new Command("bench", "Measure generation speed: the median, minimum and maximum of each stage over several runs")
        {
            models.Model, prompt,
        };
        foreach (var option in sampling.All.Append(runs).Append(warmup).Append(models.Provider).Append(models.Threads).Append(models.Spinning))
        {
            command.Options.Add(option);
        }
        command.SetAction((parsed, cancellationToken) => Task.FromResult(CommandFailure.Guard(parsed.InvocationConfiguration.Error, () =>
        {
            using var sd = models.Load(parsed, out var loadMs);
            var settings = sampling.Resolve(parsed, sd.Defaults);
            var pipeline = new StableDiffusionPipeline(sd);
            GenerationSettings Request(long seed) => GenerationSettings.ForModel(sd.Name, settings) with { Prompt = parsed.GetValue(prompt)!, Seed = seed };

            for (var i = 0; i < parsed.GetValue(warmup); i++)
            {
                pipeline.Generate(Request(i), null, cancellationToken);
            }
            var timings = new List<GenerationTimings>();
            for (var seed = 0; seed < parsed.GetValue(runs); seed++)
            {
                timings.Add(pipeline.Generate(Request(seed), null, cancellationToken).Timings);
            }

            var error = parsed.InvocationConfiguration.Error;
            PrintTable(error, sd, settings, timings);
            parsed.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
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
                },
                ["runs"] = timings.Count,
                ["load_ms"] = Round(loadMs),
                ["median"] = Summary(timings, Median),
                ["min"] = Summary(timings, values => values.Min()),
                ["max"] = Summary(timings, values => values.Max()),
            }));
            return 0;
        })));
        return command;
    }

    private static Dictionary<string, double> Summary(List<GenerationTimings> timings, Func<double[], double> statistic) =>
        Stages.ToDictionary(stage => stage.Key, stage => Round(statistic(timings.Select(stage.Of).ToArray())));

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
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
