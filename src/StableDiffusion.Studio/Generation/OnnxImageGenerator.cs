using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Every Stable Diffusion ONNX folder under <see cref="InferenceOptions.ModelsDirectory"/>. Folders are checked
/// cheaply on first use (parts present, not Git LFS pointers, ONNX files whole with their external weights, defaults.json read) and no model is loaded by reading
/// <see cref="Models"/>; start-up calls <see cref="LoadDefaultModel"/> so /healthz knows the execution provider. Every
/// other model loads on first use; a load failure fails that job with its reason and leaves the folder listed as
/// unavailable. Nothing here takes the studio down. A model with a swapped VAE or text encoder is loaded and cached as
/// its own entry, so switching between a model's own parts and another's does not reload; each model keeps at most
/// <see cref="MaxSwappedPerModel"/> swapped combinations beside its own.
/// </summary>
public sealed partial class OnnxImageGenerator(
    IOptions<InferenceOptions> options,
    IHostEnvironment environment,
    ILoggerFactory loggerFactory) : IImageGenerator, IDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<OnnxImageGenerator>();
    /// <summary>
    /// Swapped combinations kept loaded per model beside its own; the least recently used beyond it is closed. Each
    /// holds its own UNet session, so one keeps the memory at twice a model's while switching between the model's own
    /// parts and one swap does not reload.
    /// </summary>
    internal const int MaxSwappedPerModel = 1;

    private readonly ConcurrentDictionary<LoadedKey, StableDiffusionModel> loaded = new();
    private readonly ConcurrentDictionary<LoadedKey, long> lastUsed = new();
    private readonly ConcurrentDictionary<string, ModelInfo> infos = new();
    private readonly ConcurrentDictionary<string, ClipTokenizer?> tokenizers = new();
    private readonly Lock loading = new();
    private Lazy<IReadOnlyDictionary<string, string>>? folders;
    private IReadOnlyDictionary<string, ComponentFolder> components = new Dictionary<string, ComponentFolder>();
    private long uses;

    public IReadOnlyList<ModelInfo> Models
    {
        get
        {
            _ = Folders;
            // The configured default comes first so forms pick it without knowing its name.
            return infos.Values.OrderBy(m => m.Name == options.Value.DefaultModel ? 0 : 1).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Folder of each model by name, found and checked once, without opening an ONNX session.</summary>
    private IReadOnlyDictionary<string, string> Folders =>
        LazyInitializer.EnsureInitialized(ref folders, () => new Lazy<IReadOnlyDictionary<string, string>>(Scan)).Value;

    /// <summary>The default model (else the first available one) loads; a failure marks it unavailable and is logged.</summary>
    public void LoadDefaultModel()
    {
        if (Models.FirstOrDefault(m => m.IsAvailable) is not { } first)
        {
            return;
        }

        try
        {
            Load(new LoadedKey(first.Name));
        }
        catch (ModelLoadException)
        {
            // Already logged and recorded as unavailable.
        }
    }

    public ModelHash? HashOf(string model) => Folders.TryGetValue(model, out var dir) ? ModelFolder.Hash(dir) : null;

    public int? CountTokens(string model, string text, EmphasisMode emphasis)
    {
        // An unloaded model's tokenizer is two small files: counting must not wait for its ONNX sessions.
        var tokenizer = loaded.TryGetValue(new LoadedKey(model), out var sd) ? sd.Tokenizer
            : Folders.TryGetValue(model, out var dir) && infos.TryGetValue(model, out var info) && info.IsAvailable
                ? tokenizers.GetOrAdd(model, _ => TryLoadTokenizer(dir))
                : null;
        try
        {
            return tokenizer is null ? null : PromptChunker.Chunk(tokenizer, text, emphasis).TokenCount;
        }
        catch (PromptSyntaxException)
        {
            // Said by the validator under the prompt; the counter shows "?".
            return null;
        }
    }

    public GenerationResult Generate(GenerationSettings settings, IProgress<StepProgress>? progress, CancellationToken cancellationToken, SkipSignal? skip = null)
    {
        var key = LoadedKey.Of(settings);
        while (true)
        {
            var sd = Load(key);
            // The library runs one generation at a time per model; with WorkerConcurrency > 1 the others wait here.
            lock (sd)
            {
                // Reset or eviction may have disposed this model while the job waited for it; the loop loads it again.
                if (loaded.TryGetValue(key, out var current) && ReferenceEquals(current, sd))
                {
                    return new StableDiffusionPipeline(sd).Generate(settings, progress, cancellationToken, skip);
                }
            }
        }
    }

    public IReadOnlyList<GenerationOutcome> GenerateTogether(IReadOnlyList<GenerationRequest> requests)
    {
        var key = LoadedKey.Of(requests[0].Settings);
        while (true)
        {
            StableDiffusionModel sd;
            try
            {
                sd = Load(key);
            }
            catch (ModelLoadException error)
            {
                return [.. requests.Select(_ => GenerationOutcome.Failed(error))];
            }

            lock (sd)
            {
                if (loaded.TryGetValue(key, out var current) && ReferenceEquals(current, sd))
                {
                    return new StableDiffusionPipeline(sd).GenerateTogether(requests);
                }
            }
        }
    }

    public void Reset(string model)
    {
        lock (loading)
        {
            foreach (var key in loaded.Keys.Where(k => k.Model == model))
            {
                Close(key);
            }

            // A load that ran out of memory marked the folder unavailable; it may well load once memory is free.
            if (Folders.TryGetValue(model, out var dir))
            {
                infos[model] = Check(model, dir);
            }

            LogModelReset(model);
        }
    }

    public void Dispose()
    {
        foreach (var model in loaded.Values)
        {
            model.Dispose();
        }
    }

    /// <summary>The loaded model, loading it now if this is its first use; throws with the reason when it cannot.</summary>
    private StableDiffusionModel Load(LoadedKey key)
    {
        if (loaded.TryGetValue(key, out var sd))
        {
            lastUsed[key] = Interlocked.Increment(ref uses);
            return sd;
        }

        return Folders.TryGetValue(key.Model, out var dir) ? LoadFrom(key, dir) : throw new ModelLoadException($"Model {key.Model} is not available.");
    }

    /// <summary>A swapped combination loads as the model does, but its failure (a misfit) fails the job without marking the model unavailable.</summary>
    private StableDiffusionModel LoadFrom(LoadedKey key, string dir)
    {
        var name = key.Model;
        // One load at a time: two sessions of one UNet at once would double the memory for nothing.
        lock (loading)
        {
            if (loaded.TryGetValue(key, out var sd))
            {
                return sd;
            }

            if (infos.TryGetValue(name, out var info) && info.UnavailableReason is { } reason)
            {
                throw new ModelLoadException($"Model {name} is unavailable: {reason}");
            }

            if (key.IsSwapped)
            {
                return LoadSwapped(key, dir);
            }

            try
            {
                sd = StableDiffusionModel.Load(dir, options.Value, loggerFactory.CreateLogger<StableDiffusionModel>());
            }
            catch (Exception ex)
            {
                // Any failure (corrupt protobuf, CUDA missing, out of memory) marks the folder unavailable with its reason.
                LogModelUnavailable(ex, name);
                infos[name] = Unavailable(name, ex.Message);
                throw new ModelLoadException($"Model {name} could not be loaded: {Redact(ex.Message)}", ex);
            }

            loaded[key] = sd;
            lastUsed[key] = Interlocked.Increment(ref uses);
            // The reason for a CPU fallback quotes the CUDA provider's error, which may name a library by its path.
            infos[name] = new ModelInfo(name, null, sd.Defaults, sd.SupportsImageToImage, sd.ExecutionProvider,
                Redact(sd.ExecutionProviderReason), sd.Unet.FixedSequenceLength - 2)
            {
                IsInpainting = sd.IsInpainting, Card = sd.Description.Card, Components = Fits(dir),
            };
            LogModelLoaded(name, sd.ExecutionProvider, sd.ExecutionProviderReason);
            return sd;
        }
    }

    private StableDiffusionModel LoadSwapped(LoadedKey key, string dir)
    {
        var parts = new ComponentChoice(FolderOf(key.Vae, ComponentKind.Vae), FolderOf(key.TextEncoder, ComponentKind.TextEncoder));
        StableDiffusionModel sd;
        try
        {
            sd = StableDiffusionModel.Load(dir, options.Value, loggerFactory.CreateLogger<StableDiffusionModel>(), parts);
        }
        catch (Exception ex) when (ex is not ModelLoadException)
        {
            throw new ModelLoadException($"Model {key.Model} with VAE {key.Vae ?? "from the model"} and text encoder {key.TextEncoder ?? "from the model"} could not be loaded: {Redact(ex.Message)}", ex);
        }

        loaded[key] = sd;
        lastUsed[key] = Interlocked.Increment(ref uses);
        foreach (var stale in loaded.Keys.Where(k => k.Model == key.Model && k.IsSwapped).OrderByDescending(k => lastUsed.GetValueOrDefault(k)).Skip(MaxSwappedPerModel))
        {
            Close(stale);
        }

        LogSwappedLoaded(key.Model, key.Vae ?? "-", key.TextEncoder ?? "-");
        return sd;
    }

    private string? FolderOf(string? name, ComponentKind kind) =>
        name is null ? null
            : components.TryGetValue(name, out var folder) && folder.Kind == kind ? folder.Directory
            : throw new ModelLoadException($"No {ComponentInfo.KindName(kind)} named {name}.");

    /// <summary>Closes one loaded combination; a run still on it (WorkerConcurrency > 1) finishes before its sessions go.</summary>
    private void Close(LoadedKey key)
    {
        lastUsed.TryRemove(key, out _);
        if (loaded.TryRemove(key, out var sd))
        {
            lock (sd)
            {
                sd.Dispose();
            }
        }
    }

    /// <summary>Every standalone component with whether it fits the model in <paramref name="dir"/>; an unreadable one is listed as not fitting, with why.</summary>
    private IReadOnlyList<ComponentInfo> Fits(string dir) =>
    [
        .. components.Values.Select(component =>
        {
            try
            {
                return new ComponentInfo(component.Name, component.Kind, ComponentFit.Misfit(dir, component));
            }
            catch (Exception ex) when (ex is IOException or ModelLoadException or UnauthorizedAccessException)
            {
                return new ComponentInfo(component.Name, component.Kind, Redact($"{component.Name} could not be read: {ex.Message}"));
            }
        }),
    ];

    private IReadOnlyDictionary<string, string> Scan()
    {
        var root = ModelsRoot;
        if (!Directory.Exists(root))
        {
            LogNoModelsDirectory(root);
            return new Dictionary<string, string>();
        }

        components = ComponentFolder.List(root).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var found = ModelFolder.List(root).ToDictionary(ModelFolder.NameOf, d => d, StringComparer.Ordinal);
        foreach (var (name, dir) in found)
        {
            infos[name] = Check(name, dir);
        }

        return found;
    }

    /// <summary>What the folder offers, read without opening an ONNX session; unavailable with the reason when it is not usable.</summary>
    private ModelInfo Check(string name, string dir)
    {
        try
        {
            var description = ModelFolder.Describe(dir);
            return new ModelInfo(name, null, description.Defaults, description.SupportsImageToImage, "not loaded", "loads on first use")
            {
                Card = description.Card, Components = Fits(dir),
            };
        }
        catch (Exception ex)
        {
            LogModelUnavailable(ex, name);
            return Unavailable(name, ex.Message);
        }
    }

    private ClipTokenizer? TryLoadTokenizer(string dir)
    {
        try
        {
            return ClipTokenizer.Load(Path.Combine(dir, "tokenizer"));
        }
        catch (Exception ex)
        {
            LogModelUnavailable(ex, Path.GetFileName(dir));
            return null;
        }
    }

    private ModelInfo Unavailable(string name, string reason) =>
        new(name, Redact(reason), ModelDefaults.StableDiffusion15, false, "none", "the model did not load");

    private string ModelsRoot => Path.GetFullPath(options.Value.ModelsDirectory, environment.ContentRootPath);

    /// <summary>
    /// Reasons reach /healthz (unauthenticated), the APIs and job errors; ONNX Runtime's messages carry the file's
    /// full path, which is the server's business. Paths are shown relative to the models directory; the log keeps
    /// the whole exception.
    /// </summary>
    private string Redact(string reason) => ServerPaths.Hide(reason, ModelsRoot);

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Models directory {Directory} does not exist; no model is offered")]
    private partial void LogNoModelsDirectory(string directory);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Model {Name} loaded on {ExecutionProvider} ({Reason})")]
    private partial void LogModelLoaded(string name, string executionProvider, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Model {Name} was reset; its sessions load again on its next job")]
    private partial void LogModelReset(string name);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Model {Name} loaded with VAE {Vae} and text encoder {TextEncoder}")]
    private partial void LogSwappedLoaded(string name, string vae, string textEncoder);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Model {Name} is unavailable")]
    private partial void LogModelUnavailable(Exception exception, string name);

    /// <summary>A model with the parts it runs with; null parts are the model's own.</summary>
    private readonly record struct LoadedKey(string Model, string? Vae = null, string? TextEncoder = null)
    {
        public bool IsSwapped => Vae is not null || TextEncoder is not null;

        public static LoadedKey Of(GenerationSettings settings) => new(settings.Model, settings.Vae, settings.TextEncoder);
    }
}
