using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Clip;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Search;

/// <summary>
/// The one CLIP model of this process (<see cref="InferenceOptions.ClipModel"/>), loaded on first use. A folder that
/// cannot load leaves search off with the reason, which the Settings page and the search API show.
/// </summary>
public sealed partial class ClipModels(IOptions<InferenceOptions> options, IHostEnvironment environment, ILogger<ClipModels> logger) : IDisposable
{
    private readonly Lock loading = new();
    private readonly SemaphoreSlim calls = new(1, 1);
    private ClipModel? model;
    private string? unavailable;

    /// <summary>The loaded model, or null with <see cref="Unavailable"/> saying why.</summary>
    public ClipModel? Model
    {
        get
        {
            lock (loading)
            {
                if (model is null && unavailable is null)
                {
                    Load();
                }

                return model;
            }
        }
    }

    /// <summary>Why there is no CLIP model, or null when there is one (or it has not been asked for yet).</summary>
    public string? Unavailable => Model is null ? unavailable : null;

    /// <summary>
    /// Runs one embedding at a time: the worker's back-fill and the web node's queries share the model, and its sessions
    /// each keep one thread, so search never takes more than one core from the generation running beside it.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<ClipModel, T> embed, CancellationToken cancellationToken)
    {
        var clip = Model ?? throw new InvalidOperationException(Unavailable);
        await calls.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => embed(clip), cancellationToken);
        }
        finally
        {
            calls.Release();
        }
    }

    public void Dispose()
    {
        model?.Dispose();
        calls.Dispose();
    }

    private void Load()
    {
        var folder = Folder();
        if (folder is null)
        {
            unavailable = options.Value.ClipModel == "off"
                ? "Search by meaning is off (Inference:ClipModel is off)."
                : "No CLIP model: put a folder with text_model.onnx, vision_model.onnx, tokenizer/ and preprocessor_config.json under the models folder.";
            LogUnavailable(unavailable);
            return;
        }

        try
        {
            var single = new InferenceOptions
            {
                ExecutionProvider = options.Value.ExecutionProvider,
                CudaDeviceId = options.Value.CudaDeviceId,
                IntraOpThreads = 1,
            };
            model = ClipModel.Load(folder, single, logger);
            LogLoaded(model.Id, model.EmbeddingSize);
        }
        catch (Exception error)
        {
            unavailable = $"The CLIP model could not be loaded: {ServerPaths.Hide(error.Message, ModelsRoot)}";
            LogUnavailable(unavailable);
        }
    }

    private string ModelsRoot => Path.GetFullPath(options.Value.ModelsDirectory, environment.ContentRootPath);

    private string? Folder()
    {
        var configured = options.Value.ClipModel;
        if (configured == "off")
        {
            return null;
        }

        var named = Path.GetFullPath(Path.Combine(ModelsRoot, configured));
        if (configured.Length > 0 && Directory.Exists(named))
        {
            return named;
        }

        return Directory.Exists(ModelsRoot)
            ? Directory.EnumerateDirectories(ModelsRoot).Order(StringComparer.Ordinal).FirstOrDefault(IsClip)
            : null;
    }

    private static bool IsClip(string directory) =>
        File.Exists(Path.Combine(directory, ClipModel.TextModelFile)) && File.Exists(Path.Combine(directory, ClipModel.VisionModelFile));

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "CLIP model {ModelId} loaded ({EmbeddingSize} dimensions)")]
    private partial void LogLoaded(string modelId, int embeddingSize);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Search by meaning is unavailable: {Reason}")]
    private partial void LogUnavailable(string reason);
}
