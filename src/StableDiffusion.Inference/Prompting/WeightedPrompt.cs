namespace StableDiffusion.Inference.Prompting;

/// <summary>A prompt parsed, tokenized and packed into chunks the way A1111 does before its text encoder runs.</summary>
/// <param name="Fragments">The attention parser's pairs (one fragment of weight 1 under <see cref="EmphasisMode.None"/>).</param>
/// <param name="Chunks">At least one.</param>
/// <param name="TokenCount">
/// The N of A1111's "N/75" counter: 75 for each chunk that a BREAK, a comma back-track or an overflow closed, plus the
/// last chunk's tokens.
/// </param>
public sealed record WeightedPrompt(IReadOnlyList<PromptFragment> Fragments, IReadOnlyList<PromptChunk> Chunks, int TokenCount)
{
    /// <summary>The M of "N/M": the tokens the chunks the prompt needs can hold (75, 150…), as A1111's get_target_prompt_token_count.</summary>
    public int TokenLimit => TokenLimitFor(TokenCount);

    public static int TokenLimitFor(int tokenCount) =>
        (Math.Max(tokenCount, 1) + PromptChunk.TokensPerChunk - 1) / PromptChunk.TokensPerChunk * PromptChunk.TokensPerChunk;
}
