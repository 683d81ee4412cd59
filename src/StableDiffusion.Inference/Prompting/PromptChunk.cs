namespace StableDiffusion.Inference.Prompting;

/// <summary>
/// One 77-token window of a prompt as the text encoder reads it, bos + 75 + eos (A1111's PromptChunk), padded with eos,
/// and each token's weight (1 for bos, eos and padding).
/// </summary>
public sealed record PromptChunk(int[] Tokens, double[] Multipliers)
{
    /// <summary>Prompt tokens per chunk; with bos and eos a chunk is 77 long.</summary>
    public const int TokensPerChunk = 75;

    public const int Length = TokensPerChunk + 2;
}
