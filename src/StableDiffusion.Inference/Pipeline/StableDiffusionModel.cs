using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>A loaded Stable Diffusion ONNX folder: its sessions (created once, reused), tokenizer, scheduler config and defaults.</summary>
public sealed class StableDiffusionModel : IDisposable
{
    private const float DefaultScalingFactor = 0.18215f;
    private readonly OnnxSessionFactory sessions;

    private StableDiffusionModel(ModelDescription description, InferenceOptions options, OnnxSessionFactory sessions, ComponentChoice parts)
    {
        Description = description;
        Parts = parts;
        Options = options;
        this.sessions = sessions;
    }

    /// <summary>
    /// Loads a model folder. Throws <see cref="ModelLoadException"/> naming the missing or broken part (and, with
    /// <c>ExecutionProvider = cuda</c>, when CUDA cannot load). <paramref name="parts"/> takes the VAE or the text encoder
    /// from other folders; one that does not fit the UNet (latent channels, VAE factor, hidden size, sequence length) is
    /// refused with the mismatch named.
    /// </summary>
    public static StableDiffusionModel Load(string directory, InferenceOptions options, ILogger? logger = null, ComponentChoice? parts = null)
    {
        var description = ModelFolder.Describe(directory);
        var sessions = OnnxSessionFactory.Create(options, logger ?? NullLogger.Instance);
        var model = new StableDiffusionModel(description, options, sessions, parts ?? ComponentChoice.FromModel);
        try
        {
            model.Open();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The folders the VAE and the text encoder came from, when not the model's own.</summary>
    public ComponentChoice Parts { get; }

    /// <summary>What the folder offers, as read before its graphs were opened.</summary>
    public ModelDescription Description { get; }

    /// <summary>The folder name, which is how users and the A1111 API name the model.</summary>
    public string Name => Description.Name;

    public string Directory => Description.Directory;

    /// <summary>A1111's "Model hash": the first 10 hex digits of <see cref="ModelFolder.Hash"/>.</summary>
    public string Hash => ModelFolder.Hash(Directory)?.Short ?? throw new FileNotFoundException($"{Name}: unet/model.onnx is gone.");

    public ModelDefaults Defaults => Description.Defaults;

    public ClipTokenizer Tokenizer { get; private set; } = null!;

    public TextEncoder TextEncoder { get; private set; } = null!;

    public Unet Unet { get; private set; } = null!;

    public VaeDecoder VaeDecoder { get; private set; } = null!;

    /// <summary>Null when the folder has no vae_encoder/, and then the model cannot do img2img.</summary>
    public VaeEncoder? VaeEncoder { get; private set; }

    public bool SupportsImageToImage => VaeEncoder is not null;

    /// <summary>Whether the UNet is an inpainting one (9 input channels): it runs only with an init image and a mask.</summary>
    public bool IsInpainting => Unet.IsInpainting;

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider => sessions.ExecutionProvider;

    /// <summary>Why that provider is in use, e.g. "CUDA could not load: libcublasLt.so.13 missing".</summary>
    public string ExecutionProviderReason => sessions.Reason;

    /// <inheritdoc cref="VaeDecoder.ScalingFactor"/>
    public float ScalingFactor => VaeDecoder.ScalingFactor;

    /// <inheritdoc cref="VaeDecoder.ScaleFactor"/>
    public int VaeScaleFactor => VaeDecoder.ScaleFactor;

    public int LatentChannels => Unet.LatentChannels;

    /// <summary>Null when the model has no vae_encoder.</summary>
    public VaeEncoderOutput? VaeEncoderKind => VaeEncoder?.Output;

    /// <summary>Whether per-step previews use the cheap latent→RGB map (latent_rgb_factors.json) instead of the VAE.</summary>
    public bool HasLatentRgbFactors => RgbFactors is not null;

    /// <summary>Every ONNX graph with its declared inputs and outputs, as loaded.</summary>
    public IReadOnlyList<ComponentSignature> Components => [.. Graphs.Select(graph => graph.Signature)];

    public string SchedulerConfigPath => Path.Combine(Directory, "scheduler", "scheduler_config.json");

    /// <summary>scheduler/scheduler_config.json, which every scheduler id is built from (diffusers' from_config).</summary>
    public SchedulerConfig SchedulerConfig { get; private set; } = SchedulerConfig.Empty;

    internal InferenceOptions Options { get; }

    internal LatentRgbFactors? RgbFactors { get; private set; }

    private IEnumerable<OnnxComponent> Graphs =>
        new[] { TextEncoder?.Graph, Unet?.Graph, VaeDecoder?.Graph, VaeEncoder?.Graph }.OfType<OnnxComponent>();

    public void Dispose()
    {
        Unet?.Binding?.Dispose();
        foreach (var graph in Graphs)
        {
            graph.Dispose();
        }
        sessions.Dispose();
    }

    private void Open()
    {
        var vaeDirectory = Parts.VaeDirectory ?? Directory;
        var textDirectory = Parts.TextEncoderDirectory ?? Directory;
        Tokenizer = LoadTokenizer(textDirectory);
        SchedulerConfig = ReadSchedulerConfig();
        var scalingFactor = ReadScalingFactor(vaeDirectory);

        TextEncoder = OpenComponent("text_encoder", graph => new TextEncoder(graph), textDirectory);
        Unet = OpenComponent("unet", graph => new Unet(graph), Directory);
        if ((Options.UseIoBinding || Options.EnableCudaGraph) && ExecutionProvider == "CUDA")
        {
            Unet.Binding = new UnetIoBinding(Unet.Graph, UnetIoBinding.CudaMemory(Options.CudaDeviceId), Options.EnableCudaGraph);
        }
        VaeDecoder = OpenComponent("vae_decoder", graph => new VaeDecoder(graph, scalingFactor, ReadVaeScaleFactor(vaeDirectory)), vaeDirectory);
        CheckSwappedParts();
        if (File.Exists(Path.Combine(vaeDirectory, "vae_encoder", "model.onnx")))
        {
            VaeEncoder = OpenComponent("vae_encoder", graph => new VaeEncoder(graph, scalingFactor, VaeDecoder.ScaleFactor, LatentChannels), vaeDirectory);
        }

        RgbFactors = LatentRgbFactors.Read(Directory, LatentChannels);
    }

    /// <summary>
    /// A swapped part must fit the UNet as the model's own did; checked from the graphs' signatures, so a misfit is a
    /// message naming the mismatch, never a crash mid-generation or a garbled image.
    /// </summary>
    private void CheckSwappedParts()
    {
        if (Parts.VaeDirectory is { } vae)
        {
            var name = ModelFolder.NameOf(vae);
            if (OnnxComponent.StaticDimension(VaeDecoder.Graph.Inputs["latent_sample"], 1) is { } channels && channels != LatentChannels)
            {
                throw new ModelLoadException(ComponentFit.LatentChannels(name, channels, Name, LatentChannels));
            }

            var own = ReadVaeScaleFactor(Directory) ?? 8;
            if (VaeDecoder.ScaleFactor != own)
            {
                throw new ModelLoadException(ComponentFit.VaeFactor(name, VaeDecoder.ScaleFactor, Name, own));
            }
        }

        if (Parts.TextEncoderDirectory is { } text)
        {
            var name = ModelFolder.NameOf(text);
            var hidden = OnnxComponent.StaticDimension(TextEncoder.Graph.Outputs["last_hidden_state"], 2);
            var expected = OnnxComponent.StaticDimension(Unet.Graph.Inputs["encoder_hidden_states"], 2);
            if (hidden is { } h && expected is { } e && h != e)
            {
                throw new ModelLoadException(ComponentFit.HiddenSize(name, h, Name, e));
            }

            if (OnnxComponent.StaticDimension(TextEncoder.Graph.Inputs["input_ids"], 1) is { } sequence && sequence != Prompting.PromptChunk.Length)
            {
                throw new ModelLoadException(ComponentFit.SequenceLength(name, sequence));
            }
        }
    }

    /// <summary>Opens one graph and checks its contract; a graph that fails the check is closed again.</summary>
    private T OpenComponent<T>(string name, Func<OnnxComponent, T> wrap, string directory)
    {
        var file = $"{name}/model.onnx";
        var graph = new OnnxComponent(name, file, sessions.Open(file, ModelFolder.RequireFile(directory, file)));
        try
        {
            return wrap(graph);
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    private SchedulerConfig ReadSchedulerConfig()
    {
        try
        {
            return SchedulerConfig.Load(SchedulerConfigPath);
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ModelLoadException($"scheduler/scheduler_config.json could not be read: {error.Message}", error);
        }
    }

    private static ClipTokenizer LoadTokenizer(string directory)
    {
        try
        {
            return ClipTokenizer.Load(Path.Combine(directory, "tokenizer"));
        }
        catch (Exception error) when (error is IOException or FormatException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ModelLoadException($"tokenizer/ could not be read: {error.Message}", error);
        }
    }

    /// <summary>
    /// optimum writes the VAE's config.json into vae_decoder/ (and vae_encoder/); older exports have none, and diffusers'
    /// ONNX pipelines hard-code SD 1.x's 0.18215.
    /// </summary>
    private static float ReadScalingFactor(string directory)
    {
        foreach (var file in new[] { "vae_decoder/config.json", "vae_encoder/config.json" })
        {
            if (ModelFolder.OptionalJson(directory, file)?["scaling_factor"] is { } factor)
            {
                return factor.GetValue<float>();
            }
        }
        return DefaultScalingFactor;
    }

    /// <summary>diffusers' <c>2 ** (len(vae.config.block_out_channels) - 1)</c>, when vae_decoder/config.json has them.</summary>
    internal static int? ReadVaeScaleFactor(string directory) =>
        ModelFolder.OptionalJson(directory, "vae_decoder/config.json")?["block_out_channels"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } blocks
            ? 1 << (blocks.Count - 1)
            : null;
}
