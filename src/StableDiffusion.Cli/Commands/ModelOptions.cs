using System.CommandLine;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary>The options every model-loading verb shares: which model folder and which execution provider.</summary>
internal static class ModelOptions
{
    public const string DefaultModelFolder = "models/tiny-shapes";

    public static Option<string?> Model() => new("--model", "-m")
    {
        Description = $"Stable Diffusion ONNX folder (model_index.json, unet/, …); default: the embedded {DefaultModelFolder}",
    };

    public static Option<string> Provider() => new Option<string>("--provider")
    {
        Description = "ONNX Runtime execution provider",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "cpu", "cuda");

    public static InferenceOptions Options(string provider) => new() { ExecutionProvider = provider };

    /// <summary>
    /// The given folder, else the embedded model: the first <c>models/tiny-shapes</c> that is a model folder found
    /// walking up from the current directory, then from the program's own folder.
    /// </summary>
    public static string Resolve(string? model) => Resolve(model, Environment.CurrentDirectory, AppContext.BaseDirectory);

    internal static string Resolve(string? model, params string[] searchFrom)
    {
        if (!string.IsNullOrWhiteSpace(model))
        {
            return model;
        }
        foreach (var start in searchFrom)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, DefaultModelFolder);
                if (ModelFolder.IsModel(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new ArgumentException($"No --model given and the embedded model ({DefaultModelFolder}/model_index.json) was not found above the current directory.");
    }
}
