using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Imaging;

/// <summary>A swapped VAE and text encoder in the infotext: A1111's "VAE" key and the studio's "Text encoder", read back.</summary>
public sealed class ComponentInfotextTests
{
    private static readonly GenerationSettings Settings = new()
    {
        Prompt = "three red triangles", Seed = 3, Steps = 12, GuidanceScale = 2, Scheduler = "dpmpp-2m", Width = 64, Height = 64, Model = "tiny-shapes",
    };

    [Fact]
    public void SwappedPartsAreWrittenAfterTheModelInA1111sPlaceAndReadBack()
    {
        var text = Infotext.Write(InfotextMapping.ToInfotext(
            Settings with { Vae = "tiny-shapes-vae-sharp", TextEncoder = "tiny-shapes-text-encoder-seed1" }, "tiny-shapes", "0123456789"));

        var read = InfotextMapping.FromInfotext(Infotext.Parse(text));

        Assert.Contains("Model hash: 0123456789, Model: tiny-shapes, VAE: tiny-shapes-vae-sharp, ", text);
        Assert.Contains(", Text encoder: tiny-shapes-text-encoder-seed1", text);
        Assert.Equal(("tiny-shapes-vae-sharp", "tiny-shapes-text-encoder-seed1"), (read.Vae, read.TextEncoder));
        Assert.Equal(text, Infotext.Write(InfotextMapping.ToInfotext(read, "tiny-shapes", "0123456789")));
    }

    [Fact]
    public void TheModelsOwnPartsWriteNoKey()
    {
        var text = Infotext.Write(InfotextMapping.ToInfotext(Settings, "tiny-shapes", null));
        var read = InfotextMapping.FromInfotext(Infotext.Parse(text));

        Assert.DoesNotContain("VAE", text);
        Assert.DoesNotContain("Text encoder", text);
        Assert.Equal((null, null), (read.Vae, read.TextEncoder));
    }

    [Theory]
    [InlineData("Automatic")]
    [InlineData("None")]
    public void A1111sAutomaticAndNoneMeanTheModelsOwnVae(string value)
    {
        var read = InfotextMapping.FromInfotext(Infotext.Parse($"a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512, Model: sd15, VAE: {value}"));

        Assert.Null(read.Vae);
    }
}
