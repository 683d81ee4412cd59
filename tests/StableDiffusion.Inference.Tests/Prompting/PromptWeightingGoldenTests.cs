using StableDiffusion.Inference.Prompting;

namespace StableDiffusion.Inference.Tests.Prompting;

public sealed class PromptWeightingGoldenTests
{
    [Fact]
    public void GoldenFileHasEveryCaseTheTheoriesReplay()
    {
        Assert.Equal(56, PromptWeightingGolden.Cases.Count);
    }

    [Theory]
    [MemberData(nameof(PromptWeightingGolden.Indices), MemberType = typeof(PromptWeightingGolden))]
    public void ParserGivesA1111sFragmentsAndWeightsBitForBit(int index)
    {
        var golden = PromptWeightingGolden.Cases[index];

        var parsed = PromptAttentionParser.Parse(golden.Prompt);

        Assert.Equal(golden.Parsed.Select(f => f.Text), parsed.Select(f => f.Text));
        // Bit-for-bit: A1111 merges neighbours only when their weights are exactly equal.
        Assert.Equal(golden.Parsed.Select(f => BitConverter.DoubleToInt64Bits(f.Weight == 0 ? 0 : f.Weight)),
            parsed.Select(f => BitConverter.DoubleToInt64Bits(f.Weight == 0 ? 0 : f.Weight)));
    }

    [Theory]
    [MemberData(nameof(PromptWeightingGolden.Indices), MemberType = typeof(PromptWeightingGolden))]
    public void ChunkerGivesA1111sTokenIdsMultipliersAndCount(int index)
    {
        var golden = PromptWeightingGolden.Cases[index];

        var prompt = PromptChunker.Chunk(PromptWeightingGolden.Tokenizer.Value, golden.Prompt);

        Assert.Equal(golden.Chunks.Count, prompt.Chunks.Count);
        for (var i = 0; i < golden.Chunks.Count; i++)
        {
            Assert.Equal(golden.Chunks[i].Tokens, prompt.Chunks[i].Tokens);
            Assert.Equal(golden.Chunks[i].Multipliers, prompt.Chunks[i].Multipliers);
        }
        Assert.Equal(golden.TokenCount, prompt.TokenCount);
        Assert.Equal(golden.UiTokenCounter, $"{prompt.TokenCount}/{prompt.TokenLimit}");
    }
}
