using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>A loaded Stable Diffusion ONNX folder: its sessions (created once, reused), tokenizer, scheduler config and defaults.</summary>
public sealed partial class StableDiffusionModel : IDisposable
{
    private const float DefaultScalingFactor = 0.18215f;
    private readonly OnnxSessionFactory sessions;
    private readonly Lazy<string> hash;

    private StableDiffusionModel(string directory, InferenceOptions options, OnnxSessionFactory sessions)
    {
        Directory = Path.GetFullPath(directory);
        Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Directory));
        Options = options;
        this.sessions = sessions;
        hash = new Lazy<string>(() => HashFile(Path.Combine(Directory, "unet", "model.onnx")));
    }

    /// <summary>
    /// Loads a model folder. Throws <see cref="ModelLoadException"/> naming the missing or broken part (and, with
    /// <c>ExecutionProvider = cuda</c>, when CUDA cannot load).
    /// </summary>
    public static StableDiffusionModel Load(string directory, InferenceOptions options, ILogger? logger = null)
    {
        ModelFolder.Validate(directory);
        var sessions = OnnxSessionFactory.Create(options, logger ?? NullLogger.Instance);
        var model = new StableDiffusionModel(directory, options, sessions);
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

    /// <summary>The folder name, which is how users and the A1111 API name the model.</summary>
    public string Name { get; }

    public string Directory { get; }

    /// <summary>First 10 hex digits of the UNet file's SHA-256 (A1111's "Model hash"), computed on first use.</summary>
    public string Hash => hash.Value;

    public ModelDefaults Defaults { get; private set; } = ModelDefaults.StableDiffusion15;

    public ClipTokenizer Tokenizer { get; private set; } = null!;

    public bool SupportsImageToImage => VaeEncoder is not null;

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider => sessions.ExecutionProvider;

    /// <summary>Why that provider is in use, e.g. "CUDA could not load: libcublasLt.so.13 missing".</summary>
    public string ExecutionProviderReason => sessions.Reason;

    /// <summary>Latents are multiplied by this after encoding and divided by it before decoding (vae config <c>scaling_factor</c>).</summary>
    public float ScalingFactor { get; private set; } = DefaultScalingFactor;

    /// <summary>Image pixels per latent pixel along each axis (8 for Stable Diffusion's VAE).</summary>
    public int VaeScaleFactor { get; private set; } = 8;

    public int LatentChannels { get; private set; } = 4;

    /// <summary>Null when the model has no vae_encoder.</summary>
    public VaeEncoderOutput? VaeEncoderKind { get; private set; }

    /// <summary>Whether per-step previews use the cheap latent→RGB map (latent_rgb_factors.json) instead of the VAE.</summary>
    public bool HasLatentRgbFactors => RgbFactors is not null;

    /// <summary>Every ONNX graph with its declared inputs and outputs, as loaded.</summary>
    public IReadOnlyList<ComponentSignature> Components =>
        [.. new[] { TextEncoder, Unet, VaeDecoder, VaeEncoder }.OfType<OnnxComponent>().Select(c => c.Signature)];

    public string SchedulerConfigPath => Path.Combine(Directory, "scheduler", "scheduler_config.json");

    /// <summary>scheduler/scheduler_config.json, which every scheduler id is built from (diffusers' from_config).</summary>
    public SchedulerConfig SchedulerConfig { get; private set; } = SchedulerConfig.Empty;

    internal InferenceOptions Options { get; }

    internal OnnxComponent TextEncoder { get; private set; } = null!;

    internal OnnxComponent Unet { get; private set; } = null!;

    internal OnnxComponent VaeDecoder { get; private set; } = null!;

    internal OnnxComponent? VaeEncoder { get; private set; }

    internal TensorElementType InputIdsType { get; private set; }

    internal TensorElementType UnetSampleType { get; private set; }

    internal TensorElementType EncoderHiddenStatesType { get; private set; }

    internal TimestepInput Timestep { get; private set; } = null!;

    /// <summary>1 when the UNet's batch axis is fixed at 1, so guidance needs two calls; else null (dynamic).</summary>
    internal int? UnetFixedBatch { get; private set; }

    /// <summary>Latent height and width when the UNet graph fixes them (Olive's static-shape exports), else null.</summary>
    internal (int Height, int Width)? UnetFixedLatentSize { get; private set; }

    internal TensorElementType VaeDecoderInputType { get; private set; }

    internal TensorElementType VaeEncoderInputType { get; private set; }

    internal LatentRgbFactors? RgbFactors { get; private set; }

    public void Dispose()
    {
        foreach (var component in new[] { TextEncoder, Unet, VaeDecoder, VaeEncoder })
        {
            component?.Dispose();
        }
        sessions.Dispose();
    }

    private void Open()
    {
        Tokenizer = LoadTokenizer();
        Defaults = ModelDefaultsFile.Read(Directory);
        SchedulerConfig = ReadSchedulerConfig();
        ScalingFactor = ReadScalingFactor();

        var floats = new[] { TensorElementType.Float, TensorElementType.Float16 };
        var ids = new[] { TensorElementType.Int32, TensorElementType.Int64 };

        TextEncoder = OpenComponent("text_encoder");
        InputIdsType = TextEncoder.Input("input_ids", ids).ElementDataType;
        TextEncoder.Output("last_hidden_state", floats);

        Unet = OpenComponent("unet");
        var sample = Unet.Input("sample", floats);
        UnetSampleType = sample.ElementDataType;
        EncoderHiddenStatesType = Unet.Input("encoder_hidden_states", floats).ElementDataType;
        var timestep = Unet.Input("timestep", TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Float, TensorElementType.Float16, TensorElementType.Double);
        if (timestep.Dimensions.Length > 1)
        {
            throw new ModelLoadException($"unet/model.onnx input 'timestep' has rank {timestep.Dimensions.Length}; expected a scalar, [1] or [batch].");
        }
        Timestep = TimestepInput.From(timestep);
        Unet.Output("out_sample", floats);
        Unet.RejectInputsOtherThan("sample", "timestep", "encoder_hidden_states");
        UnetFixedBatch = OnnxComponent.StaticDimension(sample, 0) == 1 ? 1 : null;
        LatentChannels = OnnxComponent.StaticDimension(sample, 1) ?? LatentChannels;
        if (OnnxComponent.StaticDimension(sample, 2) is { } fixedHeight && OnnxComponent.StaticDimension(sample, 3) is { } fixedWidth)
        {
            UnetFixedLatentSize = (fixedHeight, fixedWidth);
        }

        VaeDecoder = OpenComponent("vae_decoder");
        var latent = VaeDecoder.Input("latent_sample", floats);
        VaeDecoderInputType = latent.ElementDataType;
        var decoded = VaeDecoder.Output("sample", floats);
        VaeScaleFactor = ReadVaeScaleFactor(latent, decoded);

        if (File.Exists(Path.Combine(Directory, "vae_encoder", "model.onnx")))
        {
            VaeEncoder = OpenComponent("vae_encoder");
            VaeEncoderInputType = VaeEncoder.Input("sample", floats).ElementDataType;
            VaeEncoderKind = VaeEncoder.Outputs.ContainsKey("latent_parameters") ? VaeEncoderOutput.LatentParameters
                : VaeEncoder.Outputs.ContainsKey("latent_sample") ? VaeEncoderOutput.LatentSample
                : throw new ModelLoadException($"vae_encoder/model.onnx has neither output 'latent_sample' nor 'latent_parameters' (it declares: {string.Join(", ", VaeEncoder.Outputs.Keys)}).");
        }

        RgbFactors = LatentRgbFactors.Read(Directory, LatentChannels);
    }

    private OnnxComponent OpenComponent(string name)
    {
        var file = $"{name}/model.onnx";
        var session = sessions.Open(file, ModelFolder.RequireFile(Directory, file));
        return new OnnxComponent(name, file, session);
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

    private ClipTokenizer LoadTokenizer()
    {
        try
        {
            return ClipTokenizer.Load(Path.Combine(Directory, "tokenizer"));
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
    private float ReadScalingFactor()
    {
        foreach (var file in new[] { "vae_decoder/config.json", "vae_encoder/config.json" })
        {
            if (ModelFolder.OptionalJson(Directory, file)?["scaling_factor"] is { } factor)
            {
                return factor.GetValue<float>();
            }
        }
        return DefaultScalingFactor;
    }

    /// <summary>
    /// Output spatial size over input spatial size when the decoder graph fixes them; else diffusers'
    /// <c>2 ** (len(vae.config.block_out_channels) - 1)</c> from the config; else SD's 8.
    /// </summary>
    private int ReadVaeScaleFactor(NodeMetadata latent, NodeMetadata decoded)
    {
        if (OnnxComponent.StaticDimension(latent, 3) is { } latentWidth && OnnxComponent.StaticDimension(decoded, 3) is { } imageWidth)
        {
            return imageWidth / latentWidth;
        }
        if (ModelFolder.OptionalJson(Directory, "vae_decoder/config.json")?["block_out_channels"] is System.Text.Json.Nodes.JsonArray blocks && blocks.Count > 0)
        {
            return 1 << (blocks.Count - 1);
        }
        return 8;
    }

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..10];
    }
}
