namespace StableDiffusion.Cli.Commands;

/// <summary>
/// The embedded model's evaluation prompts, as training/evaluate.py prompts() makes them (and training/shapes.py caption()
/// words them): 64 scenes covering every colour, background, shape and count, so a benchmark and the judge see the same set.
/// </summary>
internal static class EvaluationPrompts
{
    private static readonly string[] Colours = ["red", "green", "blue", "yellow", "white", "black", "purple", "orange"];
    private static readonly string[] Shapes = ["circle", "square", "triangle"];
    private static readonly string[] CountWords = ["a", "two", "three"];

    /// <summary>The first <paramref name="count"/> of the 64 prompts, in evaluate.py's order.</summary>
    public static IReadOnlyList<string> First(int count) => [.. Enumerable.Range(0, Math.Min(count, 64)).Select(Prompt)];

    private static string Prompt(int i)
    {
        var colour = i % 8;
        var background = (colour + 1 + (i / 8) % 7 + (i % 3)) % 8;
        if (background == colour)
        {
            background = (background + 1) % 8;
        }
        var count = (i / 8) % 3 + 1;
        var noun = Shapes[i % 3] + (count == 1 ? "" : "s");
        return $"{CountWords[count - 1]} {Colours[colour]} {noun} on a {Colours[background]} background";
    }
}
