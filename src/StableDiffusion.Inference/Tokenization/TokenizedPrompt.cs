namespace StableDiffusion.Inference.Tokenization;

/// <param name="Ids">bos + ids + eos, truncated and padded to the model's length (77).</param>
/// <param name="TokenCount">BPE tokens of the prompt, without bos/eos and before truncation.</param>
/// <param name="Truncated">True when tokens past the model's limit (75 + bos/eos) were dropped.</param>
public sealed record TokenizedPrompt(int[] Ids, int TokenCount, bool Truncated);
