using System.Text.Json.Nodes;

namespace StableDiffusion.Inference.Tests.Scheduling;

/// <summary>Reads the diffusers reference runs from <c>tests/fixtures/golden/schedulers</c>.</summary>
internal static class GoldenData
{
    private static readonly Lazy<string> Folder = new(() => ReferenceData.Golden("schedulers"));

    public static string SchedulersFolder => Folder.Value;

    public static IEnumerable<string> LoopFiles() =>
        Directory.GetFiles(SchedulersFolder, "*_steps*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static JsonNode Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(SchedulersFolder, fileName)))
        ?? throw new InvalidDataException($"{fileName} is empty.");

    /// <summary>The reference scheduler ids, as the factory names them.</summary>
    public static (string Id, double Eta) SchedulerFor(string goldenId) => goldenId switch
    {
        "ddim" => ("ddim", 0),
        "ddim_eta1" => ("ddim", 1),
        "pndm" => ("pndm", 0),
        "euler" => ("euler", 0),
        "euler_ancestral" => ("euler-a", 0),
        "dpmpp_2m" => ("dpmpp-2m", 0),
        "dpmpp_2m_karras" => ("dpmpp-2m-karras", 0),
        "lms" => ("lms", 0),
        "lcm" => ("lcm", 0),
        "ddpm" => ("ddpm", 0),
        "heun" => ("heun", 0),
        _ => throw new ArgumentException($"No scheduler for reference id '{goldenId}'.", nameof(goldenId)),
    };

    public static double Number(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<double>(out var number) => number,
        JsonValue value when value.TryGetValue<string>(out var text) => text switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => throw new InvalidDataException($"Not a number: {text}"),
        },
        _ => throw new InvalidDataException($"Not a number: {node?.ToJsonString()}"),
    };

    public static double[] Numbers(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(Number).ToArray(),
        JsonObject tensor when tensor["values"] is JsonArray values => values.Select(Number).ToArray(),
        _ => throw new InvalidDataException($"Not a list of numbers: {node?.ToJsonString()}"),
    };

    /// <summary>A scalar object <c>{kind, value}</c>.</summary>
    public static double Scalar(JsonNode? node) => Number(node?["value"]);

    /// <summary>max|actual − expected| / max(1, max|expected|): relative to the reference's scale, absolute near zero.</summary>
    public static double RelativeError(ReadOnlySpan<double> actual, IReadOnlyList<double> expected)
    {
        Assert.Equal(expected.Count, actual.Length);
        double worst = 0, scale = 1;
        for (var i = 0; i < expected.Count; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return double.IsNaN(worst) ? double.PositiveInfinity : worst / scale;
    }
}
