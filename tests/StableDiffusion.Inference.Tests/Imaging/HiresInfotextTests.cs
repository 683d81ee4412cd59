using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Tests.Imaging;

/// <summary>
/// Hires fix, variation seed and seed resize in the infotext: read from what A1111 writes (create_infotext's keys, in
/// its order, extra_generation_params after RNG), and written back the same.
/// </summary>
public sealed class HiresInfotextTests
{
    private const string A1111Text =
        "a lighthouse at dusk\nNegative prompt: blurry\n"
        + "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, Size: 512x384, Model hash: 6ce0161689, "
        + "Model: v1-5-pruned-emaonly, Variation seed: 99, Variation seed strength: 0.3, Seed resize from: 512x384, Denoising strength: 0.7, "
        + "RNG: CPU, Hires upscale: 2, Hires steps: 10, Hires upscaler: Latent";

    [Fact]
    public void AnA1111HiresTextFillsEveryField()
    {
        var settings = InfotextMapping.FromInfotext(Infotext.Parse(A1111Text + ", Version: v1.10.1"));

        Assert.True(settings.EnableHires);
        Assert.Equal((2.0, 10, "Latent", 0.7), (settings.HiresScale, settings.HiresSteps, settings.HiresUpscaler, settings.HiresDenoisingStrength));
        Assert.Equal((0, 0), (settings.HiresResizeWidth, settings.HiresResizeHeight));
        Assert.Equal((99L, 0.3), (settings.VariationSeed, settings.VariationStrength));
        Assert.Equal((512, 384), (settings.SeedResizeFromWidth, settings.SeedResizeFromHeight));
        Assert.Equal((512, 384, 1234L), (settings.Width, settings.Height, settings.Seed));
        Assert.Equal(NoiseSource.Torch, settings.NoiseSource);
        // A txt2img hires text: its denoising strength is the hires pass's, not an img2img strength.
        Assert.Equal(new GenerationSettings().Strength, settings.Strength);
    }

    [Fact]
    public void GeneratingFromThoseSettingsWritesTheSameTextBack()
    {
        var settings = InfotextMapping.FromInfotext(Infotext.Parse(A1111Text));

        var written = Infotext.Write(InfotextMapping.ToInfotext(settings, "v1-5-pruned-emaonly", "6ce0161689"));

        Assert.Equal(A1111Text, written);
    }

    [Theory]
    [InlineData("Hires resize: 1024x1024, Hires upscaler: Lanczos")]
    [InlineData("Hires upscale: 1.5, Hires upscaler: Latent (bicubic antialiased)")]
    [InlineData("Hires upscale: 2, Hires steps: 15, Hires upscaler: Latent (nearest-exact)")]
    public void HiresVariantsSurviveTheRoundTrip(string hires)
    {
        var text = $"a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 512x512, Denoising strength: 0.55, RNG: CPU, {hires}";

        var written = Infotext.Write(InfotextMapping.ToInfotext(InfotextMapping.FromInfotext(Infotext.Parse(text)), null, null));

        Assert.Equal(text, written);
    }

    [Fact]
    public void AnApiMadeTextWithPythonFloatsReadsTheSame()
    {
        var text = "a cat\nSteps: 20, Sampler: Euler, CFG scale: 7.0, Seed: 5, Size: 512x512, Denoising strength: 0.7, Hires upscale: 2.0, Hires upscaler: Latent";

        var settings = InfotextMapping.FromInfotext(Infotext.Parse(text));

        Assert.Equal((true, 2.0, 0.7), (settings.EnableHires, settings.HiresScale, settings.HiresDenoisingStrength));
    }

    [Fact]
    public void AnImg2ImgTextKeepsItsDenoisingStrengthAsTheImg2ImgStrength()
    {
        var settings = InfotextMapping.FromInfotext(Infotext.Parse("a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 5, Size: 512x512, Denoising strength: 0.4"));

        Assert.False(settings.EnableHires);
        Assert.Equal(0.4, settings.Strength);
    }

    [Fact]
    public void WithoutHiresOrSeedResizeNoneOfTheirKeysIsWritten()
    {
        var settings = new GenerationSettings { Prompt = "a cat", Seed = 1, Steps = 4, Scheduler = "euler", Width = 64, Height = 64, SeedResizeFromWidth = 64 };

        var text = Infotext.Write(InfotextMapping.ToInfotext(settings, null, null));

        Assert.DoesNotContain("Hires", text);
        Assert.DoesNotContain("Denoising strength", text);
        Assert.DoesNotContain("Seed resize from", text);
    }
}
