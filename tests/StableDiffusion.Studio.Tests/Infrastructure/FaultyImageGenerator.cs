using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Infrastructure;

/// <summary>
/// A generator that goes wrong the ways a real one does, on cue: a job whose prompt has a <see cref="Faults"/> entry
/// fails, runs out of memory or hangs at that entry's step. Every step takes <see cref="StepTime"/> and the images
/// come back after <see cref="FinishTime"/> (a slow decode or write). It honours cancellation as the real pipeline
/// does: between steps, and inside a hung step as RunOptions.Terminate would.
/// </summary>
public sealed class FaultyImageGenerator : IImageGenerator
{
    public TimeSpan StepTime { get; set; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan FinishTime { get; set; } = TimeSpan.Zero;

    /// <summary>What goes wrong for a job, by its prompt.</summary>
    public ConcurrentDictionary<string, Fault> Faults { get; } = new();

    /// <summary>Models the worker asked to reset, in order.</summary>
    public ConcurrentQueue<string> Resets { get; } = new();

    /// <summary>Prompts whose run got past its last step.</summary>
    public ConcurrentQueue<string> Finished { get; } = new();

    /// <summary>Lets go of every <see cref="FaultKind.Stuck"/> step.</summary>
    public ManualResetEventSlim Unstick { get; } = new();

    public IReadOnlyList<ModelInfo> Models { get; } =
    [
        new(FakeImageGenerator.ModelName, null, new ModelDefaults(20, 7, "euler", 64, 64), true, "CPU", "faulty pipeline for tests"),
    ];

    public void LoadDefaultModel()
    {
    }

    public ModelHash? HashOf(string model) => null;

    public int? CountTokens(string model, string text, EmphasisMode emphasis) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    public void Reset(string model) => Resets.Enqueue(model);

    public GenerationResult Generate(GenerationSettings request, IProgress<StepProgress>? progress, CancellationToken cancellationToken, SkipSignal? skip = null)
    {
        var fault = Faults.GetValueOrDefault(request.Prompt);
        for (var step = 1; step <= request.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (fault is not null && fault.AtStep == step)
            {
                Strike(fault, cancellationToken);
            }

            Thread.Sleep(StepTime);
            progress?.Report(new StepProgress(0, 1, step, request.Steps, TimeSpan.Zero, null));
        }

        cancellationToken.WaitHandle.WaitOne(FinishTime);
        Finished.Enqueue(request.Prompt);
        return new GenerationResult([new GeneratedImage(request.ForImage(0), new RgbImage(8, 8, new Rgb24[64]))],
            new GenerationTimings(0, 0, 0, 0, 0, 1), []);
    }

    /// <summary>
    /// What ONNX Runtime's CUDA provider throws when the BFC arena cannot grow: an OnnxRuntimeException (its
    /// constructor is internal, hence reflection) whose message carries the allocator's words and a source path.
    /// </summary>
    public static Exception CudaOutOfMemory()
    {
        // The constructor adds the "[ErrorCode:RuntimeException] " prefix itself.
        const string message = "Non-zero status code returned while running Conv node. Name:'/down_blocks.0/resnets.0/conv1/Conv' "
            + "Status Message: /onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, "
            + "onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of size 2147483648";
        var constructor = typeof(OnnxRuntimeException).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(c => c.GetParameters() is [{ ParameterType.IsEnum: true }, { ParameterType: var text }] && text == typeof(string));
        var runtimeException = Enum.ToObject(constructor.GetParameters()[0].ParameterType, 6);
        return (Exception)constructor.Invoke([runtimeException, message]);
    }

    private void Strike(Fault fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultKind.Fail:
                throw new InvalidOperationException(fault.Message ?? "the faulty pipeline failed");
            case FaultKind.OutOfMemory:
                throw CudaOutOfMemory();
            case FaultKind.Hang:
                // A step that never ends by itself; only a cancelled token (Terminate, for ONNX Runtime) stops it.
                cancellationToken.WaitHandle.WaitOne();
                throw new OperationCanceledException(cancellationToken);
            case FaultKind.Stuck:
                Unstick.Wait(TimeSpan.FromMinutes(1));
                throw new InvalidOperationException("the stuck step came back");
        }
    }
}
