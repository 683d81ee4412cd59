using StableDiffusion.Inference.Randomness;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class PngSettingsTests
{
    [Theory]
    [InlineData(", RNG: NV", NoiseSource.Philox)]
    [InlineData(", RNG: CPU", NoiseSource.Torch)]
    [InlineData(", RNG: GPU", NoiseSource.Philox)]
    [InlineData("", NoiseSource.Philox)]
    public void TheNoiseSourceComesFromTheInfotextsRngKeyAndWithoutOneIsA1111sGpuDefault(string rng, NoiseSource expected)
    {
        var settings = PngSettings.Read(Png($"a red circle\nNegative prompt: blur\nSteps: 4, Sampler: Euler, CFG scale: 6, Seed: 9, Size: 64x48, Model: tiny-shapes{rng}"));

        Assert.NotNull(settings);
        Assert.Equal(expected, settings.NoiseSource);
        Assert.Equal(("a red circle", "blur", 4, "euler", 6.0, 9L, 64, 48), (settings.Prompt, settings.NegativePrompt, settings.Steps,
            settings.Scheduler, settings.GuidanceScale, settings.Seed, settings.Width, settings.Height));
        Assert.Equal("tiny-shapes", settings.Model);
    }

    [Fact]
    public void AnImageMadeHereReadsBackAsTheSettingsItWasMadeWith()
    {
        var made = new GenerationSettings
        {
            Prompt = "two squares", Seed = 77, Steps = 9, GuidanceScale = 4.5, Scheduler = "dpmpp-2m",
            NoiseSource = NoiseSource.Philox, Width = 64, Height = 32, EmphasisMode = EmphasisMode.NoNorm, NegativePrompt = "[blur]",
            PadPrompts = true,
        };
        var png = GeneratedPng.Encode(new RgbImage(8, 8, new Rgb24[64]), Infotext.Write(InfotextMapping.ToInfotext(made, "tiny-shapes", "0123456789")));

        var read = PngSettings.Read(png);

        Assert.Equal(made with { Model = "tiny-shapes" }, read);
    }

    [Theory]
    [InlineData(", Emphasis: No norm, Pad conds: True", EmphasisMode.NoNorm, true)]
    [InlineData(", Emphasis: None", EmphasisMode.None, false)]
    [InlineData(", Emphasis: Ignore", EmphasisMode.Original, false)]
    [InlineData("", EmphasisMode.Original, false)]
    public void AnA1111PngsEmphasisAndPaddingComeBackAsSettings(string keys, EmphasisMode emphasis, bool pad)
    {
        var prompt = "(masterpiece:1.2), " + string.Join(", ", Enumerable.Repeat("a red circle on a blue square", 14)) + " BREAK [blurry]";

        var settings = PngSettings.Read(Png($"{prompt}\nNegative prompt: blur\nSteps: 4, Sampler: Euler, CFG scale: 6, Seed: 9, Size: 64x48, Model: tiny-shapes{keys}"));

        Assert.NotNull(settings);
        Assert.Equal((prompt, emphasis, pad), (settings.Prompt, settings.EmphasisMode, settings.PadPrompts));
    }

    [Fact]
    public void APngWithoutParametersHasNoSettings()
    {
        using var image = new Image<Rgb24>(8, 8);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);

        Assert.Null(PngSettings.Read(stream.ToArray()));
    }

    internal static byte[] Png(string parameters)
    {
        using var image = new Image<Rgb24>(8, 8);
        return PngInfo.Encode(image, parameters);
    }
}
