using StableDiffusion.Inference.Prompting;

namespace StableDiffusion.Inference.Tests.Prompting;

public sealed class EmphasisTests
{
    private const int Tokens = 4;
    private const int Hidden = 3;

    private static readonly float[] HiddenStates = [0.5f, -1.25f, 2f, 1f, 0.75f, -0.5f, 3f, 0.25f, 1.5f, -2f, 0.125f, 4f];
    private static readonly double[] Weights = [1.0, 1.5, 0.5, 1.0];

    [Fact]
    public void OriginalMultipliesEachTokenThenRestoresTheChunksMean()
    {
        var z = (float[])HiddenStates.Clone();

        Emphasis.Apply(z, Weights, EmphasisMode.Original);

        var weighted = Weighted();
        var scale = HiddenStates.Average() / weighted.Average();
        Assert.Equal(HiddenStates.Average(), z.Average(), 5);
        for (var i = 0; i < z.Length; i++)
        {
            Assert.Equal(weighted[i] * scale, z[i], 5);
        }
        // Not a no-op: the weighted token moved relative to its neighbours.
        Assert.NotEqual(HiddenStates[3] / HiddenStates[0], z[3] / z[0], 3);
    }

    [Fact]
    public void NoNormOnlyMultiplies()
    {
        var z = (float[])HiddenStates.Clone();

        Emphasis.Apply(z, Weights, EmphasisMode.NoNorm);

        Assert.Equal(Weighted(), z);
        Assert.NotEqual(HiddenStates.Average(), z.Average(), 3);
    }

    [Theory]
    [InlineData(EmphasisMode.None)]
    [InlineData(EmphasisMode.Original)]
    [InlineData(EmphasisMode.NoNorm)]
    public void UnitWeightsOrNoneLeaveTheHiddenStatesBitForBit(EmphasisMode mode)
    {
        var z = (float[])HiddenStates.Clone();

        Emphasis.Apply(z, mode == EmphasisMode.None ? Weights : [1.0, 1.0, 1.0, 1.0], mode);

        Assert.Equal(HiddenStates, z);
    }

    [Fact]
    public void HiddenStatesThatDoNotSplitIntoTheTokensAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Emphasis.Apply(new float[10], Weights, EmphasisMode.Original));
    }

    [Fact]
    public void NoneModeKeepsBracketsAsTextAndBreakAsAWord()
    {
        var tokenizer = PromptWeightingGolden.Tokenizer.Value;

        var none = PromptChunker.Chunk(tokenizer, "a (cat:1.5) BREAK dog", EmphasisMode.None);
        var original = PromptChunker.Chunk(tokenizer, "a (cat:1.5) BREAK dog");

        Assert.Equal(new PromptFragment("a (cat:1.5) BREAK dog", 1.0), Assert.Single(none.Fragments));
        Assert.Single(none.Chunks);
        Assert.All(none.Chunks[0].Multipliers, m => Assert.Equal(1.0, m));
        Assert.Equal(2, original.Chunks.Count);
        Assert.Contains(1.5, original.Chunks[0].Multipliers);
    }

    [Fact]
    public void AWeightThatIsNoNumberIsASyntaxErrorNamingIt()
    {
        var error = Assert.Throws<PromptSyntaxException>(() => PromptAttentionParser.Parse("a (cat:1.2.3) b"));

        Assert.Contains("1.2.3", error.Message);
    }

    private static float[] Weighted() =>
        [.. HiddenStates.Select((value, i) => value * (float)Weights[i / Hidden])];
}
