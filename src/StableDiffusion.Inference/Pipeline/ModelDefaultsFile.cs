using System.Text.Json.Nodes;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// Reads a model's defaults.json ({"steps", "guidance_scale", "scheduler", "width", "height"}, absent fields keep SD
/// 1.5's), and its card ({"description": "…", "examples": ["…", …]}, absent means none).
/// </summary>
internal static class ModelDefaultsFile
{
    public const string FileName = "defaults.json";

    public static ModelDefaults Read(string directory) => Read(ModelFolder.OptionalJson(directory, FileName));

    public static ModelCard ReadCard(string directory)
    {
        var json = ModelFolder.OptionalJson(directory, FileName);
        if (json is null)
        {
            return ModelCard.None;
        }
        try
        {
            var description = json["description"]?.GetValue<string>()?.Trim();
            var examples = json["examples"]?.AsArray().Select(e => e?.GetValue<string>().Trim()).OfType<string>().Where(e => e.Length > 0).ToList() ?? [];
            return new ModelCard(string.IsNullOrEmpty(description) ? null : description, examples);
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException)
        {
            throw new ModelLoadException($"{FileName} is malformed: {error.Message}", error);
        }
    }

    private static ModelDefaults Read(JsonNode? json)
    {
        var fallback = ModelDefaults.StableDiffusion15;
        if (json is null)
        {
            return fallback;
        }
        try
        {
            return new ModelDefaults(
                json["steps"]?.GetValue<int>() ?? fallback.Steps,
                json["guidance_scale"]?.GetValue<double>() ?? fallback.GuidanceScale,
                json["scheduler"]?.GetValue<string>() ?? fallback.Scheduler,
                json["width"]?.GetValue<int>() ?? fallback.Width,
                json["height"]?.GetValue<int>() ?? fallback.Height);
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException)
        {
            throw new ModelLoadException($"{FileName} is malformed: {error.Message}", error);
        }
    }
}
