using Bunit;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Generation;
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
}
