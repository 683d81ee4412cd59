using System.CommandLine;
using System.Diagnostics;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// The options every model-loading verb shares, which model folder and which execution provider, and the loading
/// itself.
/// </summary>
internal sealed class ModelOptions
{
    public const string DefaultModelFolder = "models/tiny-shapes";

    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = $"Stable Diffusion ONNX folder (model_index.json, unet/, …); default: the embedded {DefaultModelFolder}",
    };

    public Option<string?> Vae { get; } = new("--vae")
    {
        Description = "take the VAE from this folder (vae_decoder/, optional vae_encoder/) instead of the model's own",
    };

    public Option<string?> TextEncoder { get; } = new("--text-encoder")
    {
        Description = "take the text encoder and tokenizer from this folder (text_encoder/, tokenizer/) instead of the model's own",
    };

    public Option<string> Provider { get; } = new Option<string>("--provider")
    {
        Description = "ONNX Runtime execution provider",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "cpu", "cuda");

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "ONNX Runtime intra-op threads; 0 = its default (one per physical core)",
    };

    public Option<bool> Spinning { get; } = new("--spinning")
    {
        Description = "let ONNX Runtime's threads spin while waiting (its default; off measures faster on a shared CPU)",
    };

    public Option<bool> IoBinding { get; } = new("--io-binding")
    {
        Description = "CUDA only: bind the UNet's inputs and output once per shape, the text embeddings copied to the GPU once (Inference:UseIoBinding)",
    };

    public Option<bool> CudaGraph { get; } = new("--cuda-graph")
    {
        Description = "CUDA only: capture the UNet's kernels once per shape and replay them (Inference:EnableCudaGraph)",
    };

    /// <summary>The <c>--model</c> folder (else the embedded model) on the <c>--provider</c>.</summary>
    /// <param name="loadMs">How long loading took, which <c>generate</c> and <c>bench</c> report.</param>
    public StableDiffusionModel Load(ParseResult parsed, out double loadMs)
    {
        var started = Stopwatch.GetTimestamp();
        var sd = StableDiffusionModel.Load(Resolve(parsed.GetValue(Model)), new InferenceOptions
        {
            ExecutionProvider = parsed.GetValue(Provider)!,
            IntraOpThreads = parsed.GetValue(Threads),
            AllowSpinning = parsed.GetValue(Spinning),
            UseIoBinding = parsed.GetValue(IoBinding),
            EnableCudaGraph = parsed.GetValue(CudaGraph),
        }, parts: new ComponentChoice(Offered(parsed, Vae), Offered(parsed, TextEncoder)));
        loadMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return sd;
    }

    /// <summary>A part's folder, when the verb offers the option and it was given.</summary>
    private static string? Offered(ParseResult parsed, Option<string?> option) =>
        parsed.CommandResult.Command.Options.Contains(option) ? parsed.GetValue(option) : null;

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
