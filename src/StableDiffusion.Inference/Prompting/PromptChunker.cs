using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Prompting;

/// <summary>
/// A prompt → 77-token chunks with one multiplier per token, as A1111's <c>tokenize_line</c> (modules/sd_hijack_clip.py,
/// v1.10.1, no textual-inversion embeddings): each fragment tokenized on its own, 75 tokens a chunk, BREAK closing a
/// chunk, and a chunk that overflows within 20 tokens of its last comma cut after that comma.
/// </summary>
public static class PromptChunker
{
    /// <summary>A1111's default <c>comma_padding_backtrack</c>.</summary>
    private const int CommaBacktrack = 20;

    public static WeightedPrompt Chunk(ClipTokenizer tokenizer, string prompt, EmphasisMode emphasis = EmphasisMode.Original)
    {
        var fragments = emphasis == EmphasisMode.None ? [new PromptFragment(prompt, 1.0)] : PromptAttentionParser.Parse(prompt);
        var commaId = tokenizer.CommaId;
        var chunks = new List<PromptChunk>();
        var tokens = new List<int>();
        var multipliers = new List<double>();
        var tokenCount = 0;
        var lastComma = -1;

        void NextChunk(bool isLast = false)
        {
            tokenCount += isLast ? tokens.Count : PromptChunk.TokensPerChunk;
            var padding = PromptChunk.TokensPerChunk - tokens.Count;
            chunks.Add(new PromptChunk(
                [ClipTokenizer.BosId, .. tokens, .. Enumerable.Repeat(ClipTokenizer.EosId, padding), ClipTokenizer.EosId],
                [1.0, .. multipliers, .. Enumerable.Repeat(1.0, padding), 1.0]));
            lastComma = -1;
            tokens.Clear();
            multipliers.Clear();
        }

        foreach (var fragment in fragments)
        {
            if (fragment.IsBreak)
            {
                NextChunk();
                continue;
            }

            foreach (var token in tokenizer.EncodeText(fragment.Text))
            {
                if (token == commaId)
                {
                    lastComma = tokens.Count;
                }
                else if (tokens.Count == PromptChunk.TokensPerChunk && lastComma != -1 && tokens.Count - lastComma <= CommaBacktrack)
                {
                    // Move what follows the comma, with its weights, into the next chunk.
                    var cut = lastComma + 1;
                    var movedTokens = tokens[cut..];
                    var movedMultipliers = multipliers[cut..];
                    tokens.RemoveRange(cut, tokens.Count - cut);
                    multipliers.RemoveRange(cut, multipliers.Count - cut);
                    NextChunk();
                    tokens.AddRange(movedTokens);
                    multipliers.AddRange(movedMultipliers);
                }

                if (tokens.Count == PromptChunk.TokensPerChunk)
                {
                    NextChunk();
                }

                tokens.Add(token);
                multipliers.Add(fragment.Weight);
            }
        }

        if (tokens.Count > 0 || chunks.Count == 0)
        {
            NextChunk(isLast: true);
        }

        return new WeightedPrompt(fragments, chunks, tokenCount);
    }
}
