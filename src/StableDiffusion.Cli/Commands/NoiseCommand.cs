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

        var command = new Command("noise", "Print torch.randn(shape) for a seed as one JSON array in C order")
        {
            seed, shape, rng,
        };
        command.SetAction(parseResult =>
        {
            var count = TryCount(parseResult.GetValue(shape) ?? "");
            if (count is null)
            {
                parseResult.InvocationConfiguration.Error.WriteLine(
                    $"error: --shape must be positive integers separated by commas, at most {MaxValues} values in all (e.g. 1,4,64,64).");
                return 1;
            }

            var source = parseResult.GetValue(rng) == "philox" ? NoiseSource.Philox : NoiseSource.Torch;
            var values = new float[count.Value];
            NoiseGenerators.Create(source, parseResult.GetValue(seed)).Fill(values);

            // "R" prints the shortest text that reads back as the same float32.
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine($"[{string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]");
            return 0;
        });
        return command;
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
