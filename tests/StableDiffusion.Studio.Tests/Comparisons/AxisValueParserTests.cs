using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Comparisons;

public sealed class AxisValueParserTests
{
    [Theory]
    [InlineData(AxisKind.Steps, "10, 20,30", new[] { "10", "20", "30" })]
    [InlineData(AxisKind.Steps, "1-5", new[] { "1", "2", "3", "4", "5" })]
    [InlineData(AxisKind.Steps, "1-10 (+2)", new[] { "1", "3", "5", "7", "9" })]
    [InlineData(AxisKind.Steps, "10-1 (-3)", new[] { "10", "7", "4", "1" })]
    [InlineData(AxisKind.Steps, "5-1", new[] { "5", "4", "3", "2", "1" })]
    [InlineData(AxisKind.Steps, "10-20 [3], 40", new[] { "10", "15", "20", "40" })]
    [InlineData(AxisKind.Seed, "7, 100-102", new[] { "7", "100", "101", "102" })]
    [InlineData(AxisKind.GuidanceScale, "3, 7.5, 12", new[] { "3", "7.5", "12" })]
    [InlineData(AxisKind.GuidanceScale, "1-2 (+0.25)", new[] { "1", "1.25", "1.5", "1.75", "2" })]
    [InlineData(AxisKind.GuidanceScale, "1-2 (+0.1)", new[] { "1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "2" })]
    [InlineData(AxisKind.GuidanceScale, "0-1 [3]", new[] { "0", "0.5", "1" })]
    [InlineData(AxisKind.Sampler, "Euler, dpm++ 2m karras, DDIM", new[] { "euler", "dpmpp-2m-karras", "ddim" })]
    [InlineData(AxisKind.PromptReplace, "red, \"dark, deep blue\", green", new[] { "red", "dark, deep blue", "green" })]
    public void ValuesExpandAsA1111sXyzPlotReadsThem(AxisKind kind, string text, string[] expected)
    {
        Assert.True(AxisValueParser.TryParse(kind, text, out var values, out var error), error);

        Assert.Equal(expected, values);
    }

    [Theory]
    [InlineData(AxisKind.Steps, "", "Give at least one value.")]
    [InlineData(AxisKind.Steps, "10, twenty", "\"twenty\" is not a whole number")]
    [InlineData(AxisKind.Steps, "7.5", "\"7.5\" is not a whole number")]
    [InlineData(AxisKind.GuidanceScale, "seven", "\"seven\" is not a number")]
    [InlineData(AxisKind.Steps, "1-10 (-1)", "never reaches 10")]
    [InlineData(AxisKind.Steps, "1-1000", "\"1-1000\" makes more than 64 values")]
    [InlineData(AxisKind.Sampler, "Euler, Warp drive", "\"Warp drive\" is not a sampler. Samplers: ")]
    [InlineData(AxisKind.Seed, "5, 99999999999", "Seeds must be -1 (random) or between 0 and")]
    public void WrongValuesSayWhatIsWrong(AxisKind kind, string text, string message)
    {
        Assert.False(AxisValueParser.TryParse(kind, text, out var values, out var error));

        Assert.Null(values);
        Assert.Contains(message, error);
    }

    [Fact]
    public void ARandomSeedIsDrawnOnceSoTheGridCanBeMadeAgain()
    {
        Assert.True(AxisValueParser.TryParse(AxisKind.Seed, "-1, 5", out var values, out _));

        var drawn = long.Parse(values[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(drawn, 0, GenerationLimits.MaxSeed);
        Assert.Equal("5", values[1]);
    }
}
