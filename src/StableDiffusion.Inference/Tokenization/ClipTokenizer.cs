using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StableDiffusion.Inference.Tokenization;

/// <summary>CLIP byte-level BPE, as openai/CLIP's simple_tokenizer.py.</summary>
/// <remarks>
/// Hand-written rather than Microsoft.ML.Tokenizers: its BpeTokenizer (2.0.1) is not byte-level and splits on
/// <c>\w+|[^\w\s]+</c>, so digits, contractions and non-ASCII text would get ids CLIP never produced.
/// </remarks>
public sealed partial class ClipTokenizer
{
    public const int BosId = 49406;
    public const int EosId = 49407;

    // simple_tokenizer.py keeps merges[1:49152-256-2+1]: the first line is the "#version" header.
    private const int MaxMerges = 49152 - 256 - 2;
    private const int MaxCachedWords = 10_000;
    private const string EndOfWord = "</w>";

    private readonly Dictionary<string, int> vocab;
    private readonly Dictionary<(string, string), int> mergeRanks;
    private readonly ConcurrentDictionary<string, int[]> wordCache = new(StringComparer.Ordinal);

    private ClipTokenizer(Dictionary<string, int> vocab, Dictionary<(string, string), int> mergeRanks, int padId)
    {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
        PadId = padId;
    }

    /// <summary>Reads vocab.json, merges.txt and (if present) special_tokens_map.json from a tokenizer folder.</summary>
    public static ClipTokenizer Load(string tokenizerDirectory)
    {
        var vocabPath = Path.Combine(tokenizerDirectory, "vocab.json");
        var mergesPath = Path.Combine(tokenizerDirectory, "merges.txt");
        if (!File.Exists(vocabPath) || !File.Exists(mergesPath))
        {
            throw new FileNotFoundException($"The tokenizer folder '{tokenizerDirectory}' must contain vocab.json and merges.txt.");
        }

        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath))
            ?? throw new InvalidDataException($"'{vocabPath}' is not a JSON object of token ids.");

        var mergeRanks = new Dictionary<(string, string), int>();
        foreach (var line in File.ReadLines(mergesPath))
        {
            if (line.StartsWith("#version", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }

            if (mergeRanks.Count == MaxMerges)
            {
                break;
            }

            var space = line.IndexOf(' ');
            if (space <= 0)
            {
                throw new InvalidDataException($"'{mergesPath}' has a line that is not a pair of symbols: '{line}'.");
            }

            mergeRanks.TryAdd((line[..space], line[(space + 1)..]), mergeRanks.Count);
        }

        return new ClipTokenizer(vocab, mergeRanks, ReadPadId(tokenizerDirectory, vocab));
    }

    /// <summary>The model's sequence length (77), bos and eos included.</summary>
    public int MaxLength => 77;

    /// <summary>SD 1.x pads with <c>&lt;|endoftext|&gt;</c> (49407), SD 2.x with <c>!</c> (0): read from special_tokens_map.json.</summary>
    public int PadId { get; }

    /// <summary>The id of <c>,&lt;/w&gt;</c>, where A1111 prefers to cut a long prompt into chunks; null when the vocabulary lacks it.</summary>
    public int? CommaId => vocab.TryGetValue("," + EndOfWord, out var id) ? id : null;

    /// <summary>bos + every BPE id + eos: no padding, no truncation.</summary>
    public IReadOnlyList<int> Tokenize(string text) => [BosId, .. EncodeText(text), EosId];

    /// <summary>The BPE ids alone, as transformers' <c>tokenizer(text, add_special_tokens=False)</c>.</summary>
    public IReadOnlyList<int> EncodeText(string text)
    {
        var ids = new List<int>();
        foreach (var piece in ClipPreTokenizer.Split(Normalize(text)))
        {
            ids.AddRange(EncodeWord(piece));
        }

        return ids;
    }

    /// <summary>
    /// diffusers' single-sequence encoding: bos + at most 75 ids + eos, padded to <see cref="MaxLength"/>, longer prompts
    /// cut and reported. The pipeline encodes A1111's way instead (<see cref="Prompting.PromptChunker"/>), which gives these
    /// same ids for a prompt of one chunk without weights.
    /// </summary>
    public TokenizedPrompt Encode(string text)
    {
        var all = Tokenize(text);
        var tokenCount = all.Count - 2;
        var kept = Math.Min(tokenCount, MaxLength - 2);

        // As diffusers' pipeline (tokenizer(..., truncation=True, padding="max_length")): cut the BPE ids, keep eos.
        var ids = new int[MaxLength];
        Array.Fill(ids, PadId);
        ids[0] = BosId;
        for (var i = 0; i < kept; i++)
        {
            ids[i + 1] = all[i + 1];
        }

        ids[kept + 1] = EosId;
        return new TokenizedPrompt(ids, tokenCount, tokenCount > kept);
    }

    /// <summary>basic_clean + whitespace_clean + lower(), with the parts of ftfy.fix_text that change ordinary text.</summary>
    private static string Normalize(string text)
    {
        // A UTF-8 round trip turns lone surrogates into U+FFFD, so every piece has well-formed bytes.
        var wellFormed = FtfyFixes.Apply(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)));

        // simple_tokenizer.py: html.unescape(html.unescape(text)).strip()
        var unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(wellFormed));
        return Whitespace().Replace(unescaped, " ").Trim(' ').ToLowerInvariant();
    }

    private int[] EncodeWord(string piece)
    {
        if (wordCache.TryGetValue(piece, out var cached))
        {
            return cached;
        }

        int[] ids;
        if (piece is "<|startoftext|>" or "<|endoftext|>")
        {
            ids = [vocab[piece]];
        }
        else
        {
            var symbols = BytePairMerge(ByteLevelAlphabet.Encode(piece));
            ids = new int[symbols.Count];
            for (var i = 0; i < symbols.Count; i++)
            {
                // CLIP's vocabulary covers every byte symbol; HF's tokenizer maps anything else to unk = eos.
                ids[i] = vocab.TryGetValue(symbols[i], out var id) ? id : EosId;
            }
        }

        if (wordCache.Count >= MaxCachedWords)
        {
            wordCache.Clear();
        }

        wordCache[piece] = ids;
        return ids;
    }

    /// <summary>simple_tokenizer.py <c>bpe()</c>: merge the lowest-ranked adjacent pair until none is known.</summary>
    private List<string> BytePairMerge(string word)
    {
        var symbols = new List<string>(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            symbols.Add(word[i].ToString());
        }

        symbols[^1] += EndOfWord;

        while (symbols.Count > 1)
        {
            var bestRank = int.MaxValue;
            var bestIndex = -1;
            for (var i = 0; i < symbols.Count - 1; i++)
            {
                if (mergeRanks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    bestIndex = i;
                }
            }

            if (bestIndex < 0)
            {
                break;
            }

            // Merge every non-overlapping occurrence of the pair, left to right, as the Python loop does.
            var (first, second) = (symbols[bestIndex], symbols[bestIndex + 1]);
            var merged = new List<string>(symbols.Count);
            for (var i = 0; i < symbols.Count; i++)
            {
                if (i < symbols.Count - 1 && symbols[i] == first && symbols[i + 1] == second)
                {
                    merged.Add(first + second);
                    i++;
                }
                else
                {
                    merged.Add(symbols[i]);
                }
            }

            symbols = merged;
        }

        return symbols;
    }

    private static int ReadPadId(string tokenizerDirectory, Dictionary<string, int> vocab)
    {
        var path = Path.Combine(tokenizerDirectory, "special_tokens_map.json");
        if (!File.Exists(path))
        {
            return EosId;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("pad_token", out var pad))
        {
            return EosId;
        }

        // Either "pad_token": "!" or "pad_token": { "content": "!", ... } (transformers' AddedToken form).
        var content = pad.ValueKind switch
        {
            JsonValueKind.String => pad.GetString(),
            JsonValueKind.Object when pad.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };
        return content is not null && vocab.TryGetValue(content, out var id) ? id : EosId;
    }

    // Python's \s also matches the information separators U+001C..U+001F.
    [GeneratedRegex(@"[\s\x1C-\x1F]+")]
    private static partial Regex Whitespace();
}
