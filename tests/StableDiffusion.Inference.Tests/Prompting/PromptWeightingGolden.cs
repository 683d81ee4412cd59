using System.Text.Json;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Tests.Prompting;

/// <summary>
/// tests/fixtures/golden/prompt-weighting.json: A1111's own parse_prompt_attention and tokenize_line run on each prompt
/// (provenance in prompt-weighting.md), and the CLIP vocabulary it was tokenized with.
/// </summary>
internal static class PromptWeightingGolden
{
    private static readonly Lazy<IReadOnlyList<GoldenPrompt>> All = new(Load);

    public static readonly Lazy<ClipTokenizer> Tokenizer = new(() => ClipTokenizer.Load(ReferenceData.ClipTokenizer()));

    public static IReadOnlyList<GoldenPrompt> Cases => All.Value;

    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Cases.Count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    private static List<GoldenPrompt> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReferenceData.Golden("prompt-weighting.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(item => new GoldenPrompt(
            item.GetProperty("prompt").GetString()!,
            item.GetProperty("note").GetString()!,
            [.. item.GetProperty("parsed").EnumerateArray().Select(pair => new PromptFragment(pair[0].GetString()!, pair[1].GetDouble()))],
            [.. item.GetProperty("chunks").EnumerateArray().Select(chunk => new PromptChunk(
                [.. chunk.GetProperty("tokens").EnumerateArray().Select(id => id.GetInt32())],
                [.. chunk.GetProperty("multipliers").EnumerateArray().Select(m => m.GetDouble())]))],
            item.GetProperty("token_count").GetInt32(),
            item.GetProperty("ui_token_counter").GetString()!))];
    }
}

internal sealed record GoldenPrompt(string Prompt, string Note, IReadOnlyList<PromptFragment> Parsed, IReadOnlyList<PromptChunk> Chunks,
    int TokenCount, string UiTokenCounter);
