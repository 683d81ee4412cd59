using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Imaging;

/// <summary>The Speed setting in the infotext: "Speed: Fast" for step-cached images, nothing (A1111's text) for exact ones.</summary>
public sealed class SpeedInfotextTests
{
    private static readonly GenerationSettings Settings = new()
    {
        Prompt = "a red circle on a blue background", Seed = 12, Steps = 25, GuidanceScale = 2, Scheduler = "dpmpp-2m", Width = 64, Height = 64,
    };

    [Fact]
    public void AFastImageRecordsItsSpeedAndReadsItBack()
    {
        var text = Infotext.Write(InfotextMapping.ToInfotext(Settings with { Speed = Speed.Fast }, "tiny-shapes", null));

        var read = InfotextMapping.FromInfotext(Infotext.Parse(text));

        Assert.Contains(", Speed: Fast", text);
        Assert.Equal(Speed.Fast, read.Speed);
        Assert.Equal(text, Infotext.Write(InfotextMapping.ToInfotext(read, "tiny-shapes", null)));
    }

    [Fact]
    public void AnExactImageWritesNoSpeedKeyAndATextWithoutOneIsExact()
    {
        var text = Infotext.Write(InfotextMapping.ToInfotext(Settings, "tiny-shapes", null));

        Assert.DoesNotContain("Speed", text);
        Assert.Equal(Speed.Exact, InfotextMapping.FromInfotext(Infotext.Parse(text)).Speed);
    }

    [Theory]
    [InlineData("fast", Speed.Fast)]
    [InlineData("Exact", Speed.Exact)]
    [InlineData("Turbo", Speed.Exact)]
    public void TheSpeedKeyIsReadInAnyCaseAndAnUnknownWordIsExact(string value, Speed expected)
    {
        var text = $"a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 64x64, Speed: {value}";

        Assert.Equal(expected, InfotextMapping.FromInfotext(Infotext.Parse(text)).Speed);
    }
}
