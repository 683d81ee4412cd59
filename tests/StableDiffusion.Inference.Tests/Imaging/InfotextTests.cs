using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class InfotextTests
{
    // create_infotext() output as A1111 v1.10.1 writes it: Schedule type right after Sampler, Version last.
    private const string A1111Modern = """
        a cute cat, (masterpiece:1.2), best quality
        Negative prompt: lowres, bad anatomy
        Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234567890, Size: 512x512, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1
        """;

    // Hires fix and LoRA as A1111 writes them: extras after Denoising strength, a quoted value holding ", " and ": ".
    private const string A1111Hires = """
        portrait of a knight, highly detailed
        Negative prompt: blurry
        Steps: 30, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7.5, Seed: 42, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Denoising strength: 0.7, Hires upscale: 2, Hires steps: 10, Hires upscaler: Latent, Lora hashes: "detail: 7c6bad76eb54, style2: 0123456789ab", Version: v1.10.1
        """;

    // An early-2023 A1111 image: combined sampler name, API float "7.0", 8-hex legacy hash, Clip skip and ENSD.
    private const string A1111Legacy = """
        masterpiece, best quality, 1girl
        Negative prompt: worst quality, low quality
        Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7.0, Seed: 2951574342, Size: 512x768, Model hash: 925997e9, Clip skip: 2, ENSD: 31337
        """;

    [Fact]
    public void WriteFollowsA1111KeyOrderAndOmitsEmptyKeys()
    {
        var settings = new InfotextSettings("a red circle", "", 20, "Euler a", 7, 1234, 512, 512)
        {
            ModelHash = "6ce0161689",
            Model = "tiny-shapes",
            Rng = "CPU",
        };

        Assert.Equal(
            "a red circle\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 512x512, Model hash: 6ce0161689, Model: tiny-shapes, RNG: CPU",
            Infotext.Write(settings));
    }

    [Fact]
    public void WriteQuotesValuesWithCommasColonsOrNewlinesAsJson()
    {
        var settings = new InfotextSettings("p", "", 4, "Euler", 1.5, 0, 64, 64)
        {
            Extra = { ["Lora hashes"] = "a: 1, b: 2", ["Note"] = "say \"hi\"\nthen go", ["Plain"] = "no quoting" },
        };

        Assert.EndsWith(
            "Size: 64x64, Lora hashes: \"a: 1, b: 2\", Note: \"say \\\"hi\\\"\\nthen go\", Plain: no quoting",
            Infotext.Write(settings));
    }

    [Fact]
    public void WriteThenParseGivesBackEverySetting()
    {
        var written = new InfotextSettings("line one\nline two, (detail:1.2)", "ugly\nblurry", 25, "DPM++ 2M", 6.5, 4294967295, 768, 512)
        {
            ScheduleType = "Karras",
            ModelHash = "0123456789",
            Model = "sd-v1-5",
            DenoisingStrength = 0.75,
            Rng = "NV",
            Extra = { ["Hires upscale"] = "2", ["Lora hashes"] = "x: 1, y: 2", ["Version"] = "studio 1.0" },
        };

        var text = Infotext.Write(written);
        var read = Infotext.Parse(text);

        Assert.Equal(written with { Extra = read.Extra }, read);
        Assert.Equal(written.Extra.ToList(), read.Extra.ToList());
        Assert.Equal(text, Infotext.Write(read));
    }

    [Fact]
    public void ParseReadsModernA1111Text()
    {
        var settings = Infotext.Parse(A1111Modern);

        Assert.Equal("a cute cat, (masterpiece:1.2), best quality", settings.Prompt);
        Assert.Equal("lowres, bad anatomy", settings.NegativePrompt);
        Assert.Equal((20, "DPM++ 2M", "Karras", 7.0, 1234567890L), (settings.Steps, settings.Sampler, settings.ScheduleType, settings.CfgScale, settings.Seed));
        Assert.Equal((512, 512), (settings.Width, settings.Height));
        Assert.Equal(("6ce0161689", "v1-5-pruned-emaonly"), (settings.ModelHash, settings.Model));
        Assert.Null(settings.Rng);
        Assert.Equal([new("Version", "v1.10.1")], settings.Extra.ToList());
        Assert.Equal(A1111Modern, Infotext.Write(settings));
    }

    [Fact]
    public void ParseReadsHiresAndLoraExtrasInOrder()
    {
        var settings = Infotext.Parse(A1111Hires);

        Assert.Equal(7.5, settings.CfgScale);
        Assert.Equal((512, 768), (settings.Width, settings.Height));
        Assert.Equal(0.7, settings.DenoisingStrength);
        Assert.Equal(["Hires upscale", "Hires steps", "Hires upscaler", "Lora hashes", "Version"], settings.Extra.Keys);
        Assert.Equal("detail: 7c6bad76eb54, style2: 0123456789ab", settings.Extra["Lora hashes"]);
        Assert.Equal(A1111Hires, Infotext.Write(settings));
    }

    [Fact]
    public void ParseReadsLegacyA1111TextWithFloatCfgScale()
    {
        var settings = Infotext.Parse(A1111Legacy);

        Assert.Equal("DPM++ 2M Karras", settings.Sampler);
        Assert.Null(settings.ScheduleType);
        Assert.Equal(7.0, settings.CfgScale);
        Assert.Equal(2951574342L, settings.Seed);
        Assert.Equal("925997e9", settings.ModelHash);
        Assert.Equal("2", settings.Extra["Clip skip"]);
        Assert.Equal("31337", settings.Extra["ENSD"]);
        Assert.Equal(A1111Legacy.Replace("CFG scale: 7.0", "CFG scale: 7"), Infotext.Write(settings));
    }

    [Fact]
    public void ParseKeepsMultiLineNegativePromptTogether()
    {
        var settings = Infotext.Parse("first\nsecond\nNegative prompt: bad\n  worse  \nSteps: 4, Sampler: Euler, CFG scale: 1, Seed: 1, Size: 64x64");

        Assert.Equal("first\nsecond", settings.Prompt);
        Assert.Equal("bad\nworse", settings.NegativePrompt);
    }

    [Fact]
    public void LastLineWithFewerThanThreeParametersIsPromptNotSettings()
    {
        Assert.False(Infotext.TryParse("a cat\nstyle: oil, light: soft", out var settings));
        Assert.Null(settings);
        Assert.Throws<FormatException>(() => Infotext.Parse("just a prompt"));
    }

    [Fact]
    public void EmptyPromptWithNegativeRoundTrips()
    {
        var written = new InfotextSettings("", "text, watermark", 10, "DDIM", 7, 5, 512, 512);

        var text = Infotext.Write(written);

        var read = Infotext.Parse(text);

        Assert.StartsWith("Negative prompt: text, watermark\nSteps: 10", text);
        Assert.Equal(written with { Extra = read.Extra }, read);
    }
}
