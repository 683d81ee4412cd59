using SixLabors.ImageSharp;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Pipeline;

public sealed class TextToImageTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    [Theory]
    [MemberData(nameof(ModelFixtures.Variants), MemberType = typeof(ModelFixtures))]
    public void TextToImageMakesAnImageOfTheRequestedSizeWhosePngParametersParseBack(string variant)
    {
        var model = models[variant];
        var request = Requests.Small(scheduler: "dpmpp-2m-karras");

        var result = new StableDiffusionPipeline(model).Generate(request);

        // Saved the way the CLI and the studio save it.
        var image = Assert.Single(result.Images);
        var parameters = Infotext.Write(InfotextMapping.ToInfotext(image.Settings, model.Name, model.Hash));
        var png = GeneratedPng.Encode(image.Image, parameters);
        var info = Image.Identify(png);
        Assert.Equal((48, 32), (info.Width, info.Height));
        Assert.Equal((48, 32), (image.Image.Width, image.Image.Height));
        Assert.Equal(parameters, PngInfo.ReadParameters(png));
        var parsed = Infotext.Parse(parameters);
        Assert.Equal(request.Prompt, parsed.Prompt);
        Assert.Equal(request.NegativePrompt, parsed.NegativePrompt);
        Assert.Equal(request.Steps, parsed.Steps);
        Assert.Equal(request.Scheduler, SamplerCatalog.FromA1111(parsed.Sampler, parsed.ScheduleType));
        Assert.Equal(request.GuidanceScale, parsed.CfgScale);
        Assert.Equal(42, parsed.Seed);
        Assert.Equal((48, 32), (parsed.Width, parsed.Height));
        Assert.Equal(model.Hash, parsed.ModelHash);
        Assert.Equal(variant, parsed.Model);
        Assert.Equal(NoiseSource.Torch, InfotextMapping.NoiseSourceOf(parsed.Rng));
        Assert.Null(parsed.DenoisingStrength);
    }

    [Theory]
    [MemberData(nameof(ModelFixtures.Variants), MemberType = typeof(ModelFixtures))]
    public void SameSeedTwiceGivesIdenticalPixelsAndAnotherSeedDifferentPixels(string variant)
    {
        var pipeline = new StableDiffusionPipeline(models[variant]);

        var first = pipeline.Generate(Requests.Small(seed: 7)).Images[0].Image;
        var again = pipeline.Generate(Requests.Small(seed: 7)).Images[0].Image;
        var other = pipeline.Generate(Requests.Small(seed: 8)).Images[0].Image;

        Assert.Equal(Requests.Pixels(first), Requests.Pixels(again));
        Assert.NotEqual(Requests.Pixels(first), Requests.Pixels(other));
    }

    [Fact]
    public void AVariationKeepsTheSeedAcrossTheBatchAndAtFullStrengthIsTheVariationSeedsImage()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]);
        var plain = Requests.Small(seed: 100, scheduler: "euler");

        var varied = pipeline.Generate(plain with { VariationSeed = 500, VariationStrength = 0.3, BatchCount = 2 });
        var original = pipeline.Generate(plain);
        var full = pipeline.Generate(plain with { VariationSeed = 501, VariationStrength = 1 });
        var seed501 = pipeline.Generate(Requests.Small(seed: 501, scheduler: "euler"));

        Assert.Equal([(100L, 500L), (100L, 501L)], varied.Images.Select(i => (i.Seed, i.Settings.VariationSeed)));
        Assert.NotEqual(Requests.Pixels(original.Images[0].Image), Requests.Pixels(varied.Images[0].Image));
        Assert.NotEqual(Requests.Pixels(varied.Images[0].Image), Requests.Pixels(varied.Images[1].Image));
        // Euler draws no noise after the first: all of the image is the variation seed's.
        Assert.Equal(Requests.Pixels(seed501.Images[0].Image), Requests.Pixels(full.Images[0].Image));
        var parsed = Infotext.Parse(Infotext.Write(InfotextMapping.ToInfotext(varied.Images[1].Settings, null, null)));
        Assert.Equal(("501", "0.3"), (parsed.Extra["Variation seed"], parsed.Extra["Variation seed strength"]));
        Assert.Equal((501L, 0.3), (InfotextMapping.FromInfotext(parsed).VariationSeed, InfotextMapping.FromInfotext(parsed).VariationStrength));
    }

    [Fact]
    public void BatchImageIUsesSeedPlusIAndEqualsThatSeedAlone()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]);

        var batch = pipeline.Generate(Requests.Small(seed: 100) with { BatchCount = 3 });
        var alone = pipeline.Generate(Requests.Small(seed: 102));

        Assert.Equal([100L, 101L, 102L], batch.Images.Select(i => i.Seed));
        Assert.Equal(Requests.Pixels(alone.Images[0].Image), Requests.Pixels(batch.Images[2].Image));
        Assert.NotEqual(Requests.Pixels(batch.Images[0].Image), Requests.Pixels(batch.Images[1].Image));
    }

    [Fact]
    public void GuidanceAtOrBelowOneSkipsTheNegativePrompt()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp16Int32HalfBatch]);

        var unguided = pipeline.Generate(Requests.Small(guidance: 1.0));
        var unguidedOtherNegative = pipeline.Generate(Requests.Small(guidance: 1.0) with { NegativePrompt = "green triangles" });
        var guided = pipeline.Generate(Requests.Small(guidance: 7.5));
        var guidedOtherNegative = pipeline.Generate(Requests.Small(guidance: 7.5) with { NegativePrompt = "green triangles" });

        Assert.Equal(Requests.Pixels(unguided.Images[0].Image), Requests.Pixels(unguidedOtherNegative.Images[0].Image));
        Assert.NotEqual(Requests.Pixels(guided.Images[0].Image), Requests.Pixels(guidedOtherNegative.Images[0].Image));
        Assert.NotEqual(Requests.Pixels(unguided.Images[0].Image), Requests.Pixels(guided.Images[0].Image));
    }

    [Fact]
    public void PhiloxNoiseIsRecordedAsNvAndChangesTheImage()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);

        var torch = pipeline.Generate(Requests.Small());
        var philox = pipeline.Generate(Requests.Small() with { NoiseSource = NoiseSource.Philox });

        Assert.Equal("NV", InfotextMapping.ToInfotext(Requests.Small() with { NoiseSource = NoiseSource.Philox }, null, null).Rng);
        Assert.NotEqual(Requests.Pixels(torch.Images[0].Image), Requests.Pixels(philox.Images[0].Image));
    }

    [Theory]
    [InlineData(50, 32)]
    [InlineData(48, 36)]
    [InlineData(0, 32)]
    public void SizesThatAreNotMultiplesOfEightAreRejected(int width, int height)
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]);

        var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(Requests.Small() with { Width = width, Height = height }));

        Assert.Contains("multiples of 8", error.Message);
    }

    [Fact]
    public void UnknownSchedulerIsRejectedBeforeAnyWork()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]);

        var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(Requests.Small(scheduler: "k_dpm_fast")));

        Assert.Contains("k_dpm_fast", error.Message);
    }

    [Fact]
    public void PromptPastSeventyFiveTokensIsEncodedInTwoChunksWithoutAWarning()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]);
        var longPrompt = string.Join(", ", Enumerable.Repeat("red circle", 40));

        var result = pipeline.Generate(Requests.Small() with { Prompt = longPrompt });
        var firstChunkOnly = pipeline.Generate(Requests.Small() with { Prompt = string.Join(", ", Enumerable.Repeat("red circle", 25)) + "," });

        Assert.Empty(result.Warnings);
        // The words past 75 tokens reach the UNet: the image is not the first chunk's.
        Assert.NotEqual(Requests.Pixels(firstChunkOnly.Images[0].Image), Requests.Pixels(result.Images[0].Image));
    }

    [Fact]
    public void TimingsAreFilledForEveryStage()
    {
        var result = new StableDiffusionPipeline(models[ModelFixtures.Fp16Int64FloatScalar]).Generate(Requests.Small(steps: 3));

        var t = result.Timings;
        Assert.All(new[] { t.Tokenize, t.TextEncoder, t.UnetTotal, t.UnetPerStep, t.VaeDecode, t.Total }, ms => Assert.True(ms > 0));
        Assert.Equal(t.UnetTotal / 3, t.UnetPerStep, 6);
        Assert.True(t.Total >= t.UnetTotal + t.VaeDecode + t.TextEncoder);
    }
}
