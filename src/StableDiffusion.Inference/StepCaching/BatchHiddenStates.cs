using StableDiffusion.Inference.Components;

namespace StableDiffusion.Inference.StepCaching;

/// <summary>
/// The UNet's text context for the images of a batch that run a step: all of them with both prompts (the states the
/// pipeline made), or, under step caching, fewer images (the others reuse their last prediction) or the prompt alone
/// (guidance truncated). Each other shape is made once from the same embeddings and disposed with this.
/// </summary>
internal sealed class BatchHiddenStates(Unet unet, EncoderHiddenStates full) : IDisposable
{
    private readonly Dictionary<(int Images, bool PromptOnly), EncoderHiddenStates> made = [];

    public EncoderHiddenStates For(int images, bool promptOnly)
    {
        promptOnly &= full.Prompts > 1;
        if (images == full.Images && !promptOnly)
        {
            return full;
        }
        if (!made.TryGetValue((images, promptOnly), out var states))
        {
            states = unet.PrepareEncoderHiddenStates(images, promptOnly ? [full.Embeddings[^1]] : full.Embeddings);
            made[(images, promptOnly)] = states;
        }
        return states;
    }

    public void Dispose()
    {
        foreach (var states in made.Values)
        {
            states.Dispose();
        }
    }
}
