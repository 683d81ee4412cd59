using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Imaging;

/// <summary>
/// The everyday A1111 features together in one infotext, as a PNG from A1111 carries them: emphasis, a prompt longer
/// than one chunk, a variation seed with seed resize, and hires fix. Read, generated here and written back, the text is
/// the same.
/// </summary>
public sealed class A1111PngRoundTripTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    private const string Model = ModelFixtures.Fp32Int32Int64Batch;

    private static readonly string LongPrompt =
        "(masterpiece:1.2), [blurry background], " + string.Join(", ", Enumerable.Repeat("red circle on a blue square", 12)) + " BREAK ((yellow triangle))";

    [Fact]
    public void EmphasisALongPromptAVariationSeedAndHiresFixRegenerateWritingTheSameInfotext()
    {
        var model = models[Model];
        var infotext = $"{LongPrompt}\nNegative prompt: blurry\n"
            + $"Steps: 3, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 48x32, Model hash: {model.Hash}, Model: {Model}, "
            + "Variation seed: 7, Variation seed strength: 0.3, Seed resize from: 32x32, Denoising strength: 0.6, RNG: CPU, "
            + "Hires upscale: 2, Hires steps: 2, Hires upscaler: Latent, Emphasis: No norm";

        var settings = InfotextMapping.FromInfotext(Infotext.Parse(infotext));
        var result = new StableDiffusionPipeline(model).Generate(settings);
        var written = Infotext.Write(InfotextMapping.ToInfotext(result.Images[0].Settings, model.Name, model.Hash));

        Assert.Equal((EmphasisMode.NoNorm, 7L, 0.3), (settings.EmphasisMode, settings.VariationSeed, settings.VariationStrength));
        Assert.Equal((32, 32), (settings.SeedResizeFromWidth, settings.SeedResizeFromHeight));
        Assert.Equal((true, 2.0, 2, "Latent", 0.6), (settings.EnableHires, settings.HiresScale, settings.HiresSteps, settings.HiresUpscaler, settings.HiresDenoisingStrength));
        Assert.True(PromptChunker.Chunk(model.Tokenizer, LongPrompt, settings.EmphasisMode).Chunks.Count > 1);
        Assert.Equal((96, 64), (result.Images[0].Image.Width, result.Images[0].Image.Height));
        Assert.Empty(result.Warnings);
        Assert.Equal(infotext, written);
    }
}
