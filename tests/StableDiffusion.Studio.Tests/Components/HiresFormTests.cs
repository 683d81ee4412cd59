using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Components;

/// <summary>The Create form's "Hires. fix" panel and the seed resize fields under "Extra".</summary>
public sealed class HiresFormTests : ComponentTestContext
{
    [Fact]
    public void TheHiresFieldsShowOnlyWhileTheBoxIsTickedAndSayTheTargetSize()
    {
        var settings = Settings.Valid();
        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings));
        Assert.DoesNotContain("Upscale by", form.Markup);

        form.Find("[data-testid=hires-fix] input[type=checkbox]").Change(true);

        Assert.True(settings.EnableHires);
        Assert.Contains("Upscale by", form.Markup);
        Assert.Contains("Hires steps", form.Markup);
        Assert.Equal("From 64×64 to 128×128", form.Find("[data-testid=hires-size]").TextContent.Trim());
    }

    [Fact]
    public void AHiresMessageAppearsUnderItsField()
    {
        var settings = Settings.Valid() with { EnableHires = true, Width = 1536, HiresScale = 2 };
        var errors = SettingsValidator.Validate(settings, Fake.Models);

        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings).Add(f => f.Errors, errors));

        Assert.Contains("Hires fix would upscale 1536×64 to 3072×128", form.Markup);
    }

    [Fact]
    public void ASeedResizeInUseOpensTheExtraPanel()
    {
        var settings = Settings.Valid() with { SeedResizeFromWidth = 512, SeedResizeFromHeight = 384 };

        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings));

        Assert.Contains("Resize seed from width", form.Markup);
        Assert.Contains(form.FindAll("input"), input => input.GetAttribute("value") == "384");
    }

    [Fact]
    public void AnA1111PngWithHiresVariationAndSeedResizeFillsEveryField()
    {
        GenerationSettings? received = null;
        var drop = Render<PngInfoDrop>(p => p.Add(d => d.OnSettings, (GenerationSettings s) => received = s));

        drop.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(PngSettingsTests.Png(
            "a lighthouse\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 64x64, Variation seed: 99, Variation seed strength: 0.3, "
            + "Seed resize from: 512x384, Denoising strength: 0.55, RNG: CPU, Hires resize: 128x96, Hires steps: 10, Hires upscaler: Lanczos, Version: v1.10.1"),
            "a1111.png", contentType: "image/png"));

        drop.WaitForAssertion(() => Assert.NotNull(received));
        Assert.Equal((true, "Lanczos", 10, 0.55, 128, 96), (received!.EnableHires, received.HiresUpscaler, received.HiresSteps,
            received.HiresDenoisingStrength, received.HiresResizeWidth, received.HiresResizeHeight));
        Assert.Equal((99L, 0.3, 512, 384), (received.VariationSeed, received.VariationStrength, received.SeedResizeFromWidth, received.SeedResizeFromHeight));
    }
}
