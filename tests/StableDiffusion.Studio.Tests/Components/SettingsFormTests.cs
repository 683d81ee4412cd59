using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Components;

public sealed class SettingsFormTests : ComponentTestContext
{
    [Fact]
    public void EachValidationMessageAppearsUnderItsField()
    {
        var settings = Settings.Valid();
        settings.Steps = 0;
        settings.Width = 100;
        var errors = SettingsValidator.Validate(settings, Fake.Models);

        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings).Add(f => f.Errors, errors));

        Assert.Contains("Steps must be between 1 and 150.", form.Markup);
        Assert.Contains("Width must be a multiple of 8 between 64 and 2048.", form.Markup);
        Assert.DoesNotContain("Height must be", form.Markup);
    }

    [Fact]
    public void AnInitImagePastTheUploadLimitSaysTheLimitInReadableUnits()
    {
        // This test's own options instance: the context's services are sealed once anything has been resolved.
        Services.GetRequiredService<IOptions<StudioOptions>>().Value.MaxUploadBytes = 1536;
        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, Settings.Valid()));

        form.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[4000], "big.png", contentType: "image/png"));

        form.WaitForAssertion(() => Assert.Contains("The file is larger than 1.5 KB, the most an init image may be.", form.Markup));
    }

    [Fact]
    public void APromptPastTheLimitIsFlaggedBeforeSending()
    {
        var settings = Settings.Valid(new string('x', GenerationLimits.MaxPromptLength + 5));

        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings));

        Assert.Contains($"the limit is {GenerationLimits.MaxPromptLength}", form.Markup);
    }

    [Fact]
    public void TheTokenCountGrowsLikeA1111sIntoMoreChunksWithoutSayingWordsAreIgnored()
    {
        var settings = Settings.Valid("one two three");
        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings));

        var counter = form.Find("[data-testid=token-count]");
        Assert.Equal("3/75 tokens", counter.TextContent.Trim());
        Assert.Equal("Prompt tokens: 3 of 75", counter.GetAttribute("aria-label"));
        Assert.DoesNotContain("mud-warning-text", counter.ClassName);

        form.Find("textarea").Input(string.Join(' ', Enumerable.Repeat("word", 80)));

        counter = form.Find("[data-testid=token-count]");
        Assert.Equal("80/150 tokens", counter.TextContent.Trim());
        Assert.DoesNotContain("ignored", counter.GetAttribute("aria-label"));
        Assert.DoesNotContain("mud-warning-text", counter.ClassName);
        Assert.Equal(string.Join(' ', Enumerable.Repeat("word", 80)), settings.Prompt);

        form.Find("textarea").Input(string.Join(' ', Enumerable.Repeat("word", 151)));
        Assert.Equal("151/225 tokens", form.Find("[data-testid=token-count]").TextContent.Trim());
    }

    [Fact]
    public void OnAModelWhoseUnetTakesOneChunkTheCounterWarnsThatWordsPastItAreIgnored()
    {
        Fake.Models = [.. Fake.Models, Fake.Models[0] with { Name = "one-chunk-model", TokenLimit = 75 }];
        var settings = Settings.Valid(string.Join(' ', Enumerable.Repeat("word", 80)));
        settings.Model = "one-chunk-model";

        var counter = Render<SettingsForm>(p => p.Add(f => f.Settings, settings)).Find("[data-testid=token-count]");

        Assert.StartsWith("80/150 tokens: this model reads the first 75", counter.TextContent.Trim());
        Assert.Contains("mud-warning-text", counter.ClassName);
    }

    [Fact]
    public void TheDiceButtonMakesTheSeedRandomAndReuseRestoresTheLastOne()
    {
        var settings = Settings.Valid();
        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings).Add(f => f.LastSeed, 1234L));

        form.Find("button[aria-label='Random seed']").Click();
        Assert.Equal(-1, settings.Seed);

        form.Find("button[aria-label='Reuse last seed']").Click();
        Assert.Equal(1234, settings.Seed);
    }

    [Fact]
    public void EveryControlHasItsAccessibleLabel()
    {
        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, Settings.Valid()));

        foreach (var label in new[] { "Prompt", "Negative prompt", "Seed", "Steps", "CFG scale", "Sampler", "Width", "Height", "Batch count", "Model" })
        {
            Assert.Contains(form.FindAll("label"), l => l.TextContent.Trim() == label);
        }

        Assert.NotNull(form.Find("input[type=file][aria-label='Init image']"));
    }
}
