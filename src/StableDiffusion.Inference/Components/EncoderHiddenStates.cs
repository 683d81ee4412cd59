using Microsoft.ML.OnnxRuntime;

namespace StableDiffusion.Inference.Components;

/// <summary>
/// The prompts' text embeddings as the UNet takes them (its encoder_hidden_states input), made once per generation and
/// reused by every step: one tensor with the prompts stacked on the batch axis, each repeated once per image of a call,
/// or one tensor per prompt when the UNet's batch axis is fixed at 1 or the prompts' lengths (77 per chunk) differ.
/// Dispose it when the loop is done.
/// </summary>
public sealed class EncoderHiddenStates : IDisposable
{
    internal EncoderHiddenStates(IReadOnlyList<TextEmbeddings> embeddings, int images, int imagesPerCall, IReadOnlyList<(OrtValue States, int Prompts)> calls)
    {
        Embeddings = embeddings;
        Prompts = embeddings.Count;
        Images = images;
        ImagesPerCall = imagesPerCall;
        Calls = calls;
    }

    /// <summary>How many prompts are stacked: 2 with classifier-free guidance (negative first), else 1.</summary>
    public int Prompts { get; }

    /// <summary>The prompts' embeddings these states were made from, negative first: step caching makes states for fewer images or the prompt alone from them.</summary>
    internal IReadOnlyList<TextEmbeddings> Embeddings { get; }

    /// <summary>Latents denoised together: the batch size these states were made for.</summary>
    public int Images { get; }

    /// <summary>Latents one UNet call takes per prompt: the batch size, or 1 when the UNet's batch axis is fixed at 1.</summary>
    public int ImagesPerCall { get; }

    /// <summary>UNet calls per step of the batch: 1 when the prompts and images share one batch, more when they are kept apart.</summary>
    public int CallsPerStep => Calls.Count * (Images / ImagesPerCall);

    /// <summary>One tensor per group of prompts; a step runs each on every <see cref="ImagesPerCall"/> latents of the batch.</summary>
    internal IReadOnlyList<(OrtValue States, int Prompts)> Calls { get; }

    public void Dispose()
    {
        foreach (var call in Calls)
        {
            call.States.Dispose();
        }
    }
}
