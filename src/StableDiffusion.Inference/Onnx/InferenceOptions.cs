using System.ComponentModel.DataAnnotations;

namespace StableDiffusion.Inference.Onnx;

/// <summary>The <c>Inference</c> configuration section.</summary>
public sealed class InferenceOptions
{
    /// <summary><c>auto</c> (CUDA when it loads, else CPU), <c>cuda</c> (fail if CUDA cannot load) or <c>cpu</c>.</summary>
    [RegularExpression("^(auto|cuda|cpu)$", ErrorMessage = "Inference:ExecutionProvider must be auto, cuda or cpu.")]
    public string ExecutionProvider { get; set; } = "auto";

    [Range(0, 64)]
    public int CudaDeviceId { get; set; }

    /// <summary>cuDNN convolution algorithm search: EXHAUSTIVE, HEURISTIC or DEFAULT.</summary>
    [RegularExpression("^(EXHAUSTIVE|HEURISTIC|DEFAULT)$")]
    public string CudnnConvAlgoSearch { get; set; } = "HEURISTIC";

    /// <summary>GPU memory arena limit in bytes; 0 = no limit.</summary>
    [Range(0, long.MaxValue)]
    public long GpuMemoryLimitBytes { get; set; }

    /// <summary>
    /// How the CUDA memory arena grows: kNextPowerOfTwo (ONNX Runtime's default: fewer, larger allocations) or
    /// kSameAsRequested (only what is asked for: less memory held, for a GPU shared with other work).
    /// </summary>
    [RegularExpression("^(kNextPowerOfTwo|kSameAsRequested)$", ErrorMessage = "Inference:ArenaExtendStrategy must be kNextPowerOfTwo or kSameAsRequested.")]
    public string ArenaExtendStrategy { get; set; } = "kNextPowerOfTwo";

    /// <summary>
    /// CUDA only: the UNet's inputs and output live in device buffers bound once per image size (IOBinding), and the text
    /// embeddings are copied to the device once per generation instead of once per step. Off by default: unmeasured here.
    /// </summary>
    public bool UseIoBinding { get; set; }

    /// <summary>
    /// CUDA only: capture the UNet's kernel launches once per shape and replay them (enable_cuda_graph); implies
    /// <see cref="UseIoBinding"/>, which gives the graph the fixed buffers it needs.
    /// </summary>
    public bool EnableCudaGraph { get; set; }

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator (intra-op); 0 = its default, one per physical core. One thread
    /// measured slower than the default on two cores.
    /// </summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin while waiting for work (its default). Off by default: the studio
    /// shares its CPU with the web server and other work, where spinning threads steal the cores they wait for
    /// (on two cores at load 35–60, spinning off was 1.88× faster at 64² and 3.07× at 512², every one of 24 alternated
    /// pairs in its favour; docs/performance.md).
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Folder holding one Stable Diffusion ONNX folder per model.</summary>
    [Required]
    public string ModelsDirectory { get; set; } = "models";

    /// <summary>
    /// The CLIP folder search embeds with: a name under ModelsDirectory or a full path. When it is missing, the first
    /// folder under ModelsDirectory that holds text_model.onnx and vision_model.onnx is used; "off" turns search off.
    /// </summary>
    public string ClipModel { get; set; } = "tiny-shapes-clip";

    /// <summary>Folder name (under ModelsDirectory) of the model selected by default.</summary>
    [Required]
    public string DefaultModel { get; set; } = "tiny-shapes";

    /// <summary>Decode a preview image every N steps when the model has no latent→RGB factors; 0 = never.</summary>
    [Range(0, 1000)]
    public int VaePreviewEverySteps { get; set; } = 5;
}
