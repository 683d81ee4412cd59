using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Prompting;

/// <summary>A1111's infotext for a weighted long prompt reads into settings, and regenerating writes the same infotext.</summary>
public sealed class LongPromptInfotextTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    private const string Model = ModelFixtures.Fp32Int32Int64Batch;

    // Two chunks (a BREAK and a comma back-track) against a one-chunk negative prompt.
    private static readonly string LongPrompt =
        "(masterpiece:1.2), [blurry background], " + string.Join(", ", Enumerable.Repeat("red circle on a blue square", 12)) + " BREAK ((yellow triangle))";

    [Theory]
    [InlineData(", Emphasis: No norm, Pad conds: True", EmphasisMode.NoNorm, true)]
    [InlineData(", Pad conds: True", EmphasisMode.Original, true)]
    [InlineData(", Emphasis: None", EmphasisMode.None, false)]
    [InlineData("", EmphasisMode.Original, false)]
    public void A1111InfotextWithEmphasisAndALongPromptRegeneratesWritingTheSameInfotext(string promptKeys, EmphasisMode emphasis, bool pad)
    {
        var model = models[Model];
        var infotext = $"{LongPrompt}\nNegative prompt: blurry\n" +
            $"Steps: 3, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 48x32, Model hash: {model.Hash}, Model: {Model}, RNG: CPU{promptKeys}";

        var settings = InfotextMapping.FromInfotext(Infotext.Parse(infotext));
        var result = new StableDiffusionPipeline(model).Generate(settings);
        var written = Infotext.Write(InfotextMapping.ToInfotext(result.Images[0].Settings, model.Name, model.Hash));

        Assert.Equal((emphasis, pad), (settings.EmphasisMode, settings.PadPrompts));
        Assert.True(PromptChunker.Chunk(model.Tokenizer, LongPrompt, emphasis).Chunks.Count > 1);
        Assert.Empty(result.Warnings);
        Assert.Equal(infotext, written);
    }

    [Fact]
    public void EmphasisIsWrittenOnlyWhenAPromptHasABracketItActsOn()
    {
        var settings = new GenerationSettings { Prompt = "a red circle", NegativePrompt = "blurry", EmphasisMode = EmphasisMode.NoNorm, Scheduler = "euler" };

        var plain = InfotextMapping.ToInfotext(settings, null, null);
        var bracketed = InfotextMapping.ToInfotext(settings with { NegativePrompt = "[blurry]" }, null, null);

        Assert.False(plain.Extra.ContainsKey("Emphasis"));
        Assert.Equal("No norm", bracketed.Extra["Emphasis"]);
    }

    [Fact]
    public void PadPromptsOnPromptsOfOneLengthRecordsNoPadding()
    {
        var model = models[Model];
        var settings = Requests.Small() with { PadPrompts = true };

        var image = new StableDiffusionPipeline(model).Generate(settings).Images[0];

        Assert.DoesNotContain("Pad conds", Infotext.Write(InfotextMapping.ToInfotext(image.Settings, model.Name, model.Hash)));
    }
}
