namespace StableDiffusion.Inference.Components;

/// <summary>One prompt's text_encoder output, last_hidden_state [1, <paramref name="Tokens"/>, <paramref name="HiddenSize"/>], as float.</summary>
public sealed record TextEmbeddings(float[] Values, int Tokens, int HiddenSize);
