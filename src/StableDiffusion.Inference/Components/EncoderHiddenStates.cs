using Microsoft.ML.OnnxRuntime;

namespace StableDiffusion.Inference.Components;

/// <summary>
/// The prompts' text embeddings as the UNet takes them (its encoder_hidden_states input), made once per generation and
/// reused by every step: one tensor with the prompts stacked on the batch axis, or one tensor per prompt when the UNet's
/// batch axis is fixed at 1 or the prompts' lengths (77 per chunk) differ. Dispose it when the loop is done.
/// </summary>
public sealed class EncoderHiddenStates : IDisposable
{
    internal EncoderHiddenStates(int prompts, IReadOnlyList<(OrtValue States, int Batch)> calls)
    {
        Prompts = prompts;
        Calls = calls;
    }

    /// <summary>How many prompts are stacked: 2 with classifier-free guidance (negative first), else 1.</summary>
    public int Prompts { get; }

    /// <summary>UNet calls per step: 1 when the prompts share one batch, else one per prompt.</summary>
    public int CallsPerStep => Calls.Count;

    /// <summary>One UNet call per entry, on <c>Batch</c> copies of the latent.</summary>
    internal IReadOnlyList<(OrtValue States, int Batch)> Calls { get; }

    public void Dispose()
    {
        foreach (var call in Calls)
        {
            call.States.Dispose();
        }
    }
}
