using Microsoft.ML.OnnxRuntime;

namespace StableDiffusion.Inference.Components;

/// <summary>
/// The prompts' text embeddings as the UNet takes them (its encoder_hidden_states input), made once per generation and
/// reused by every step: one tensor with the prompts stacked on the batch axis, each repeated once per image of a call,
/// or one tensor per prompt when the UNet's batch axis is fixed at 1. Dispose it when the loop is done.
/// </summary>
public sealed class EncoderHiddenStates : IDisposable
{
    internal EncoderHiddenStates(int prompts, int imagesPerCall, IReadOnlyList<(OrtValue States, int Prompts)> calls)
    {
        Prompts = prompts;
        ImagesPerCall = imagesPerCall;
        Calls = calls;
    }

    /// <summary>How many prompts are stacked: 2 with classifier-free guidance (negative first), else 1.</summary>
    public int Prompts { get; }

    /// <summary>Latents one UNet call takes per prompt: the batch size, or 1 when the UNet's batch axis is fixed at 1.</summary>
    public int ImagesPerCall { get; }

    /// <summary>One tensor per group of prompts; a step runs each on every <see cref="ImagesPerCall"/> latents of the batch.</summary>
    internal IReadOnlyList<(OrtValue States, int Prompts)> Calls { get; }

    /// <summary>UNet calls one step of <paramref name="images"/> latents takes.</summary>
    public int CallsPerStep(int images) => Calls.Count * ((images + ImagesPerCall - 1) / ImagesPerCall);

    public void Dispose()
    {
        foreach (var call in Calls)
        {
            call.States.Dispose();
        }
    }
}
