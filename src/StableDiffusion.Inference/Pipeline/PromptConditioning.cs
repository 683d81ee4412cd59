using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// The prompt and negative prompt → the UNet's text context, as A1111 builds it: weights parsed, 77-token chunks each
/// encoded on its own and concatenated, the two prompts kept at their own lengths (two UNet calls a step when they
/// differ) unless <see cref="GenerationSettings.PadPrompts"/> asks for A1111's padding.
/// </summary>
internal static class PromptConditioning
{
    /// <summary>The prompts in chunks; the negative prompt only when guidance runs the unconditional half.</summary>
    public static (WeightedPrompt Prompt, WeightedPrompt? Negative) Chunk(ClipTokenizer tokenizer, GenerationSettings settings, bool guided) =>
        (Chunk(tokenizer, "Prompt", settings.Prompt, settings.EmphasisMode),
            guided ? Chunk(tokenizer, "Negative prompt", settings.NegativePrompt, settings.EmphasisMode) : null);

    private static WeightedPrompt Chunk(ClipTokenizer tokenizer, string what, string text, EmphasisMode emphasis)
    {
        try
        {
            return PromptChunker.Chunk(tokenizer, text, emphasis);
        }
        catch (PromptSyntaxException error)
        {
            throw new ArgumentException($"{what}: {error.Message}", nameof(text), error);
        }
    }

    /// <summary>
    /// The encoder hidden states for a batch of <see cref="GenerationSettings.BatchSize"/> images, negative prompt first;
    /// <paramref name="padded"/> says whether A1111's padding was applied.
    /// </summary>
    public static EncoderHiddenStates Encode(StableDiffusionModel model, WeightedPrompt prompt, WeightedPrompt? negative, GenerationSettings settings,
        List<string> warnings, out bool padded, CancellationToken cancellationToken) =>
        model.Unet.PrepareEncoderHiddenStates(settings.BatchSize, EncodePrompts(model, prompt, negative, settings, warnings, out padded, cancellationToken));

    /// <summary>The prompts' embeddings, negative prompt first when there is one, before they are stacked for the UNet.</summary>
    public static IReadOnlyList<TextEmbeddings> EncodePrompts(StableDiffusionModel model, WeightedPrompt prompt, WeightedPrompt? negative,
        GenerationSettings settings, List<string> warnings, out bool padded, CancellationToken cancellationToken)
    {
        var padId = model.Tokenizer.PadId;
        var promptEmbeds = FitContext(model.Unet, model.TextEncoder.Encode(prompt, settings.EmphasisMode, padId, cancellationToken), "Prompt", prompt, warnings);
        padded = false;
        if (negative is null)
        {
            return [promptEmbeds];
        }

        var negativeEmbeds = FitContext(model.Unet, model.TextEncoder.Encode(negative, settings.EmphasisMode, padId, cancellationToken), "Negative prompt", negative, warnings);
        if (settings.PadPrompts && negativeEmbeds.Tokens != promptEmbeds.Tokens)
        {
            // sd_samplers_cfg_denoiser.py pad_cond: (longer − shorter) // 77 copies of the encoded empty prompt.
            var empty = model.TextEncoder.Encode(PromptChunker.Chunk(model.Tokenizer, ""), EmphasisMode.Original, padId, cancellationToken);
            var copies = Math.Abs(promptEmbeds.Tokens - negativeEmbeds.Tokens) / empty.Tokens;
            (promptEmbeds, negativeEmbeds) = promptEmbeds.Tokens < negativeEmbeds.Tokens
                ? (promptEmbeds.Append(empty, copies), negativeEmbeds)
                : (promptEmbeds, negativeEmbeds.Append(empty, copies));
            padded = true;
        }

        return [negativeEmbeds, promptEmbeds];
    }

    /// <summary>A UNet exported with its context fixed at 77 positions gets the first chunk, and the user is told.</summary>
    private static TextEmbeddings FitContext(Unet unet, TextEmbeddings embeds, string what, WeightedPrompt prompt, List<string> warnings)
    {
        if (unet.FixedSequenceLength is not { } positions || embeds.Tokens <= positions)
        {
            return embeds;
        }

        warnings.Add($"{what} has {prompt.TokenCount} tokens in {prompt.Chunks.Count} chunks of 75, but this model's UNet was exported " +
            $"for {positions} positions of text: only the first chunk is used, the rest is ignored.");
        return embeds.FirstPositions(positions);
    }
}
