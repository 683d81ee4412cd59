using System.Text.Json.Nodes;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>Reads a model's defaults.json ({"steps", "guidance_scale", "scheduler", "width", "height"}); absent fields keep SD 1.5's.</summary>
internal static class ModelDefaultsFile
{
    public const string FileName = "defaults.json";

    public static ModelDefaults Read(string directory)
    {
        var fallback = ModelDefaults.StableDiffusion15;
        var json = ModelFolder.OptionalJson(directory, FileName);
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
