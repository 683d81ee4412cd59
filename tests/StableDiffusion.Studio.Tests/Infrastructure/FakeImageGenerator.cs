using StableDiffusion.Studio.Queue;
using System.Collections.Concurrent;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Infrastructure;

/// <summary>
/// A pipeline stand-in the tests steer: it records which prompts started in which order, can hold every job at
/// its start until released, reports one progress per step of each batch, honours cancellation and skip between steps,
/// and fails any prompt containing "explode"; a cancelled prompt containing "terminate" stops the way ONNX Runtime does.
/// </summary>
public sealed class FakeImageGenerator : IImageGenerator
{
    public const string ModelName = "fake-model";

    private readonly ManualResetEventSlim release = new(initialState: true);

    public ConcurrentQueue<string> Started { get; } = new();

    /// <summary>Every request the worker passed, in order.</summary>
    public ConcurrentQueue<GenerationSettings> Requests { get; } = new();

    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Settable so a test can add a model with other traits (a UNet fixed at one prompt chunk).</summary>
    public IReadOnlyList<ModelInfo> Models { get; set; } =
    [
        new(ModelName, null, new ModelDefaults(20, 7, "euler", 64, 64), true, "CPU", "fake pipeline for tests"),
        new("broken-model", "unet/model.onnx is missing", ModelDefaults.StableDiffusion15, false, "none", "the model did not load"),
    ];

    public void LoadDefaultModel()
    {
    }

    public ModelHash? HashOf(string model) => null;

    /// <summary>Jobs wait at their start until <see cref="Release"/>.</summary>
    public void Hold() => release.Reset();

    public void Release() => release.Set();

    /// <summary>Models the worker asked to reset, in order.</summary>
    public ConcurrentQueue<string> Resets { get; } = new();

    public void Reset(string model) => Resets.Enqueue(model);

    public int? CountTokens(string model, string text, EmphasisMode emphasis) => Models.Any(m => m.Name == model && m.IsAvailable) ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length : null;

    /// <summary>The prompts of every shared batch the worker asked for, in order.</summary>
    public ConcurrentQueue<string[]> SharedBatches { get; } = new();

    /// <summary>Runs the batch's jobs one after another, each as <see cref="Generate"/>, so each ends as it would alone.</summary>
    public IReadOnlyList<GenerationOutcome> GenerateTogether(IReadOnlyList<GenerationRequest> requests)
    {
        SharedBatches.Enqueue([.. requests.Select(r => r.Settings.Prompt)]);
        return [.. requests.Select(request =>
        {
            try
            {
                return GenerationOutcome.Succeeded(Generate(request.Settings, request.Progress, request.CancellationToken, request.Skip));
            }
            catch (Exception error)
            {
                return GenerationOutcome.Failed(error);
            }
        })];
    }

    public GenerationResult Generate(GenerationSettings request, IProgress<StepProgress>? progress, CancellationToken cancellationToken, SkipSignal? skip = null)
    {
        Started.Enqueue(request.Prompt);
        Requests.Enqueue(request);
        release.Wait(cancellationToken);
        var images = new List<GeneratedImage>();
        var warnings = new List<string>();
        for (var image = 0; image < request.ImageCount; image += request.BatchSize)
        {
            // The pipeline's rule: a skip counts for the batch it arrives in.
            if (image > 0)
            {
                skip?.Clear();
            }
            for (var step = 1; step <= request.Steps; step++)
            {
                if (skip?.IsRequested == true)
                {
                    warnings.Add($"Image {image + 1} was skipped after {step - 1} of {request.Steps} steps.");
                    break;
                }

                if (cancellationToken.IsCancellationRequested && request.Prompt.Contains("terminate", StringComparison.Ordinal))
                {
                    // What an ONNX call stopped by RunOptions.Terminate throws when nothing translates it.
                    throw new InvalidOperationException("Exiting due to terminate flag being set to true.");
                }

                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(StepDelay);
                progress?.Report(new StepProgress(image, request.ImageCount, step, request.Steps, TimeSpan.Zero, step == request.Steps ? TinyImage() : null,
                    request.BatchSize));
            }

            if (request.Prompt.Contains("explode", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the fake pipeline exploded");
            }

            for (var position = 0; position < request.BatchSize; position++)
            {
                images.Add(new GeneratedImage(request.ForImage(image + position), TinyImage()) { BatchPosition = position });
            }
        }

        return new GenerationResult(images, new GenerationTimings(0, 0, 0, 0, 0, 1), warnings);
    }

    private static RgbImage TinyImage() => new(8, 8, new Rgb24[64]);
}
