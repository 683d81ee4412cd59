using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class InfotextMappingTests
{
    private static GenerationSettings Settings => new()
    {
        Prompt = "a red circle, on: a \"blue\" square", NegativePrompt = "blurry", Seed = 5, Steps = 3, GuidanceScale = 7,
        Scheduler = "euler-a", Width = 48, Height = 32, BatchCount = 2, Model = "ignored",
    };

    [Fact]
    public void ImagesAreRecordedAsA1111WritesThem()
    {
        var text = Infotext.Write(InfotextMapping.ToInfotext(Settings with { Seed = 6 }, "fp32-ids-int32-timestep-int64-batch", "6664338292"));

        Assert.Equal(
            "a red circle, on: a \"blue\" square\nNegative prompt: blurry\n"
            + "Steps: 3, Sampler: Euler a, CFG scale: 7, Seed: 6, Size: 48x32, Model hash: 6664338292, Model: fp32-ids-int32-timestep-int64-batch, RNG: CPU",
            text);
    }

    [Fact]
    public void ScheduleTypeNoiseSourceAndDenoisingStrengthAreRecordedWhenTheyApply()
    {
        var settings = Settings with
        {
            Scheduler = "dpmpp-2m-karras", NoiseSource = NoiseSource.Philox, InitImage = [1, 2, 3], Strength = 0.5, GuidanceScale = 1.5,
        };

        var text = Infotext.Write(InfotextMapping.ToInfotext(settings with { Seed = 9 }, null, null));

        Assert.EndsWith("Steps: 3, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 1.5, Seed: 9, Size: 48x32, Denoising strength: 0.5, RNG: NV", text);
    }

    [Theory]
    [InlineData(NoiseSource.Torch, "CPU")]
    [InlineData(NoiseSource.Philox, "NV")]
    public void RngNamesMatchA1111AndMapBack(NoiseSource source, string name)
    {
        Assert.Equal(name, InfotextMapping.RngName(source));
        Assert.Equal(source, InfotextMapping.NoiseSourceOf(name));
    }

    [Fact]
    public void MissingRngMeansA1111GpuDefaultWhichIsPhilox()
    {
        Assert.Equal(NoiseSource.Philox, InfotextMapping.NoiseSourceOf(null));
        Assert.Equal(NoiseSource.Philox, InfotextMapping.NoiseSourceOf("GPU"));
    }

    [Fact]
    public void EverySchedulerAndNoiseSourceSurvivesTheRoundTrip()
    {
        foreach (var id in SamplerCatalog.Ids)
        {
            foreach (var source in Enum.GetValues<NoiseSource>())
            {
                var written = Settings with { Scheduler = id, NoiseSource = source, BatchCount = 1, Model = "tiny-shapes" };

                var read = InfotextMapping.FromInfotext(Infotext.Parse(Infotext.Write(InfotextMapping.ToInfotext(written, "tiny-shapes", null))));

                Assert.Equal(written, read);
            }
        }
    }

    [Fact]
    public void EveryEmphasisModeAndPaddingSurvivesTheRoundTripWithA1111sKeys()
    {
        foreach (var mode in Enum.GetValues<EmphasisMode>())
        {
            foreach (var pad in new[] { false, true })
            {
                var written = Settings with { Prompt = "a (red:1.2) circle", EmphasisMode = mode, PadPrompts = pad, BatchCount = 1, Model = "tiny-shapes" };

                var text = Infotext.Write(InfotextMapping.ToInfotext(written, "tiny-shapes", null));
                var read = InfotextMapping.FromInfotext(Infotext.Parse(text));

                Assert.Equal(written, read);
                Assert.Equal(mode != EmphasisMode.Original, text.Contains($", Emphasis: {EmphasisModes.NameOf(mode)}", StringComparison.Ordinal));
                Assert.Equal(pad, text.EndsWith("Pad conds: True", StringComparison.Ordinal));
            }
        }
    }

    [Theory]
    [InlineData("Euler a", null, "euler-a")]
    [InlineData("DPM++ 2M", "Karras", "dpmpp-2m-karras")]
    [InlineData("DPM++ 2M Karras", null, "dpmpp-2m-karras")]
    [InlineData("DPM++ 2M", null, "dpmpp-2m")]
    [InlineData("DPM++ 3M SDE", "Exponential", "dpmpp-2m-karras")]
    public void TheSamplerBecomesASchedulerIdWithStableDiffusionsDefaultForUnknownOnes(string sampler, string? scheduleType, string id)
    {
        var info = new InfotextSettings("x", "", 20, sampler, 7, 1, 512, 512) { ScheduleType = scheduleType };

        Assert.Equal(id, InfotextMapping.FromInfotext(info).Scheduler);
    }

    [Fact]
    public void ReadingKeepsTheDenoisingStrengthButHasNoInitImage()
    {
        var info = new InfotextSettings("x", "", 20, "Euler", 7, 1, 512, 512) { DenoisingStrength = 0.35, Model = "sd15" };

        var read = InfotextMapping.FromInfotext(info);

        Assert.Equal((0.35, (byte[]?)null, "sd15", 1), (read.Strength, read.InitImage, read.Model, read.BatchCount));
        Assert.Equal(0.75, InfotextMapping.FromInfotext(info with { DenoisingStrength = null }).Strength);
    }

    [Fact]
    public void ABatchOfTwoOrMoreRecordsBatchSizeAndPositionAsA1111AndReadsTheSizeBack()
    {
        var settings = Settings with { BatchSize = 4, BatchCount = 1, Seed = 7, Model = "tiny-shapes" };

        var text = Infotext.Write(InfotextMapping.ToInfotext(settings, "tiny-shapes", null, batchPosition: 2));
        var single = Infotext.Write(InfotextMapping.ToInfotext(settings with { BatchSize = 1 }, "tiny-shapes", null));
        var read = InfotextMapping.FromInfotext(Infotext.Parse(text));

        Assert.Contains("Seed: 7, Size: 48x32, Model: tiny-shapes, Batch size: 4, Batch pos: 2, RNG: CPU", text);
        Assert.DoesNotContain("Batch", single);
        Assert.Equal(settings, read);
        Assert.Equal(1, InfotextMapping.FromInfotext(Infotext.Parse(single)).BatchSize);
    }
}
