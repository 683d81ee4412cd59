using System.CommandLine;
using System.Globalization;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Cli.Commands;

/// <summary><c>sd noise</c>: the initial latent noise of a seed, for comparing with torch.randn.</summary>
internal static class NoiseCommand
{
    private const long MaxValues = 1L << 26;

    public static Command Create()
    {
        var seed = new Option<long>("--seed") { Description = "The seed (0 to 4294967295 in the studio)", Required = true };
        var shape = new Option<string>("--shape") { Description = "Comma-separated dimensions, e.g. 1,4,64,64", Required = true };
        var rng = new Option<string>("--rng")
        {
            Description = "torch: torch.randn on CPU (mt19937); philox: torch.randn on CUDA, as A1111's NV source",
            DefaultValueFactory = _ => "torch",
        };
        rng.AcceptOnlyFromAmong("torch", "philox");

        // Null when absent: the single flat array scripts already read stays exactly as it was.
        var calls = new Option<int?>("--calls")
        {
            Description = "Consecutive randn calls of one generator (default 1); given, prints a JSON array of arrays, one per call",
        };

        var command = new Command("noise", "Print torch.randn(shape) for a seed as one JSON array in C order (with --calls, one array per call)")
        {
            seed, shape, rng, calls,
        };
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var count = TryCount(parseResult.GetValue(shape) ?? "");
            if (count is null)
            {
                error.WriteLine($"error: --shape must be positive integers separated by commas, at most {MaxValues} values in all (e.g. 1,4,64,64).");
                return 1;
            }

            var callCount = parseResult.GetValue(calls);
            if (callCount is < 1 || (long)count.Value * (callCount ?? 1) > MaxValues)
            {
                error.WriteLine($"error: --calls must be a positive integer, with at most {MaxValues} values in all calls together.");
                return 1;
            }

            var source = parseResult.GetValue(rng) == "philox" ? NoiseSource.Philox : NoiseSource.Torch;
            var generator = NoiseGenerators.Create(source, parseResult.GetValue(seed));
            var draws = Enumerable.Range(0, callCount ?? 1).Select(_ => Draw(generator, count.Value)).ToList();

            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(callCount is null ? draws[0] : $"[{string.Join(",", draws)}]");
            return 0;
        });
        return command;
    }

    // One randn call as a JSON array; "R" prints the shortest text that reads back as the same float32.
    private static string Draw(INoiseGenerator generator, int count)
    {
        var values = new float[count];
        generator.Fill(values);
        return $"[{string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]";
    }

    private static int? TryCount(string shape)
    {
        long count = 1;
        foreach (var part in shape.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var dimension) || dimension <= 0)
            {
                return null;
            }

            count *= dimension;
            if (count > MaxValues)
            {
                return null;
            }
        }

        return (int)count;
    }
}
