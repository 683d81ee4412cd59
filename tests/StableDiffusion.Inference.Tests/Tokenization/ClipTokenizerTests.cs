using System.Text.Json;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Tests.Tokenization;

public sealed class ClipTokenizerTests
{
    private static readonly Lazy<ClipTokenizer> Clip = new(() => ClipTokenizer.Load(ReferenceData.ClipTokenizer()));

    public static TheoryData<string, int[]> GoldenCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReferenceData.Golden("tokenizer-cases.json")));
        var data = new TheoryData<string, int[]>();
        foreach (var item in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var ids = item.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray();
            data.Add(item.GetProperty("prompt").GetString()!, ids);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void TokenizeReproducesOpenAiClipIds(string prompt, int[] expected)
    {
        Assert.Equal(expected, Clip.Value.Tokenize(prompt));
    }

    [Fact]
    public void GoldenFileHasEveryCaseTheTheoryReplays()
    {
        Assert.Equal(15, GoldenCases().Count);
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void EncodePadsShortPromptsWithEndOfText(string prompt, int[] expected)
    {
        var encoded = Clip.Value.Encode(prompt);

        Assert.Equal(77, encoded.Ids.Length);
        Assert.Equal(expected, encoded.Ids[..expected.Length]);
        Assert.All(encoded.Ids[expected.Length..], id => Assert.Equal(ClipTokenizer.EosId, id));
        Assert.Equal(expected.Length - 2, encoded.TokenCount);
        Assert.False(encoded.Truncated);
    }

    [Fact]
    public void PromptOverSeventyFiveTokensIsTruncatedAndReported()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("horse", 80));

        var encoded = Clip.Value.Encode(prompt);

        Assert.True(encoded.Truncated);
        Assert.Equal(80, encoded.TokenCount);
        Assert.Equal(77, encoded.Ids.Length);
        Assert.Equal(ClipTokenizer.BosId, encoded.Ids[0]);
        Assert.All(encoded.Ids[1..76], id => Assert.Equal(4558, id));
        Assert.Equal(ClipTokenizer.EosId, encoded.Ids[76]);
        Assert.Equal(82, Clip.Value.Tokenize(prompt).Count);
    }

    [Fact]
    public void PromptOfExactlySeventyFiveTokensIsNotTruncated()
    {
        var encoded = Clip.Value.Encode(string.Join(' ', Enumerable.Repeat("horse", 75)));

        Assert.False(encoded.Truncated);
        Assert.Equal(ClipTokenizer.EosId, encoded.Ids[76]);
        Assert.Equal(4558, encoded.Ids[75]);
    }

    [Fact]
    public void StableDiffusion2SpecialTokensMapPadsWithExclamationMarkId()
    {
        var folder = Directory.CreateTempSubdirectory("sd2-tokenizer-");
        try
        {
            File.Copy(ReferenceData.ClipTokenizer("vocab.json"), Path.Combine(folder.FullName, "vocab.json"));
            File.Copy(ReferenceData.ClipTokenizer("merges.txt"), Path.Combine(folder.FullName, "merges.txt"));
            File.WriteAllText(Path.Combine(folder.FullName, "special_tokens_map.json"), """
                {
                  "bos_token": { "content": "<|startoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false },
                  "eos_token": { "content": "<|endoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false },
                  "pad_token": "!",
                  "unk_token": { "content": "<|endoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false }
                }
                """);

            var tokenizer = ClipTokenizer.Load(folder.FullName);
            var encoded = tokenizer.Encode("a red circle");

            Assert.Equal(0, tokenizer.PadId);
            Assert.Equal([ClipTokenizer.BosId, 320, 736, 7117, ClipTokenizer.EosId, 0, 0], encoded.Ids[..7]);
            Assert.Equal(0, encoded.Ids[76]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void FolderWithoutSpecialTokensMapPadsWithEndOfText()
    {
        Assert.Equal(ClipTokenizer.EosId, Clip.Value.PadId);
    }

    [Fact]
    public void RepeatedWordsGiveTheSameIdsFromTheCache()
    {
        var first = Clip.Value.Tokenize("astronaut astronaut");

        Assert.Equal([ClipTokenizer.BosId, 18376, 18376, ClipTokenizer.EosId], first);
        Assert.Equal(first, Clip.Value.Tokenize("astronaut   astronaut"));
    }

    [Fact]
    public void FolderWithoutVocabularyIsRefusedWithItsPath()
    {
        var folder = Directory.CreateTempSubdirectory("empty-tokenizer-");
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Load(folder.FullName));
            Assert.Contains(folder.FullName, error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
