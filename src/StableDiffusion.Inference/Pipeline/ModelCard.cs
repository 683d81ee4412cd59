namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// What a model says about itself for people (its defaults.json's "description" and "examples"): one line on what it
/// draws, and prompts that show it. A folder without them has <see cref="None"/>.
/// </summary>
public sealed record ModelCard(string? Description, IReadOnlyList<string> Examples)
{
    public static ModelCard None { get; } = new(null, []);
}
