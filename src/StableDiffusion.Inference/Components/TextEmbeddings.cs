namespace StableDiffusion.Inference.Components;

/// <summary>One prompt's text_encoder output, last_hidden_state [1, <paramref name="Tokens"/>, <paramref name="HiddenSize"/>], as float.</summary>
public sealed record TextEmbeddings(float[] Values, int Tokens, int HiddenSize)
{
    /// <summary>The first <paramref name="tokens"/> positions: the first chunk of a long prompt, for a UNet that takes no more.</summary>
    public TextEmbeddings FirstPositions(int tokens) => tokens >= Tokens ? this : new TextEmbeddings(Values[..(tokens * HiddenSize)], tokens, HiddenSize);

    /// <summary>These positions followed by <paramref name="copies"/> copies of <paramref name="filler"/>'s (A1111's pad_cond).</summary>
    public TextEmbeddings Append(TextEmbeddings filler, int copies) =>
        new([.. Values, .. Enumerable.Repeat(filler.Values, copies).SelectMany(values => values)], Tokens + copies * filler.Tokens, HiddenSize);
}
