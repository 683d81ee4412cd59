using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Every Stable Diffusion ONNX folder under <see cref="InferenceOptions.ModelsDirectory"/>, each loaded once on first
/// use. A folder that fails to load stays listed with its reason; it never takes the studio down.
/// </summary>
public sealed partial class OnnxImageGenerator(
    IOptions<InferenceOptions> options,
    IHostEnvironment environment,
    ILoggerFactory loggerFactory) : IImageGenerator, IDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<OnnxImageGenerator>();
    private readonly ConcurrentDictionary<string, StableDiffusionModel> loaded = new();
    private Lazy<IReadOnlyList<ModelInfo>>? scan;

    public IReadOnlyList<ModelInfo> Models =>
        LazyInitializer.EnsureInitialized(ref scan, () => new Lazy<IReadOnlyList<ModelInfo>>(LoadAll)).Value;

    public int? CountTokens(string model, string text)
    {
        _ = Models;
        return loaded.TryGetValue(model, out var sd) ? sd.Tokenizer.Encode(text).TokenCount : null;
    }

    public GenerationResult Generate(string model, GenerationRequest request, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        _ = Models;
        if (!loaded.TryGetValue(model, out var sd))
        {
            throw new InvalidOperationException($"Model {model} is not available.");
        }

        // The library runs one generation at a time per model; with WorkerConcurrency > 1 the others wait here.
        lock (sd)
        {
            return new StableDiffusionPipeline(sd).Generate(request, progress, cancellationToken);
        }
    }

    public void Dispose()
    {
        foreach (var model in loaded.Values)
        {
            model.Dispose();
        }
    }

    private IReadOnlyList<ModelInfo> LoadAll()
    {
        var root = Path.GetFullPath(options.Value.ModelsDirectory, environment.ContentRootPath);
        if (!Directory.Exists(root))
        {
            LogNoModelsDirectory(root);
            return [];
        }

        var found = new List<ModelInfo>();
        foreach (var dir in Directory.EnumerateDirectories(root).Where(LooksLikeModel).Order(StringComparer.Ordinal))
        {
            found.Add(LoadOne(dir));
        }

        // The configured default comes first so forms pick it without knowing its name.
        return found.OrderBy(m => m.Name == options.Value.DefaultModel ? 0 : 1).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
    }

    private ModelInfo LoadOne(string dir)
    {
        var name = Path.GetFileName(dir);
        try
        {
            var model = StableDiffusionModel.Load(dir, options.Value, loggerFactory.CreateLogger<StableDiffusionModel>());
            loaded[name] = model;
            LogModelLoaded(name, model.ExecutionProvider, model.ExecutionProviderReason);
            return new ModelInfo(name, null, model.Defaults, model.SupportsImageToImage, model.ExecutionProvider,
                model.ExecutionProviderReason, model.Tokenizer.MaxLength - 2);
        }
        catch (Exception ex)
        {
            // Any failure (missing part, corrupt protobuf, an unfinished library) leaves the folder listed as unavailable.
            LogModelUnavailable(ex, name);
            return new ModelInfo(name, ex.Message, ModelDefaults.StableDiffusion15, false, "none", "the model did not load");
        }
    }

    private static bool LooksLikeModel(string dir) =>
        File.Exists(Path.Combine(dir, "model_index.json")) || Directory.Exists(Path.Combine(dir, "unet"));

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Models directory {Directory} does not exist; no model is offered")]
    private partial void LogNoModelsDirectory(string directory);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Model {Name} loaded on {ExecutionProvider} ({Reason})")]
    private partial void LogModelLoaded(string name, string executionProvider, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Model {Name} is unavailable")]
    private partial void LogModelUnavailable(Exception exception, string name);
}
