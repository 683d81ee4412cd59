namespace StableDiffusion.Inference.Tokenization;

/// <summary>CLIP byte-level BPE, as openai/CLIP's simple_tokenizer.py.</summary>
public sealed class ClipTokenizer
{
    public const int BosId = 49406;
    public const int EosId = 49407;

    /// <summary>Reads vocab.json, merges.txt and (if present) special_tokens_map.json from a tokenizer folder.</summary>
    public static ClipTokenizer Load(string tokenizerDirectory) => throw new NotImplementedException();

    /// <summary>The model's sequence length (77), bos and eos included.</summary>
    public int MaxLength => 77;

    public int PadId => throw new NotImplementedException();

    /// <summary>bos + every BPE id + eos: no padding, no truncation.</summary>
    public IReadOnlyList<int> Tokenize(string text) => throw new NotImplementedException();

    public TokenizedPrompt Encode(string text) => throw new NotImplementedException();
}
