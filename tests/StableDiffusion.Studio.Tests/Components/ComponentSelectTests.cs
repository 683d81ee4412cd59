using Bunit;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Components;

/// <summary>Create's VAE and text encoder selects: shown when models/ has such a part, a misfit's message under its select.</summary>
public sealed class ComponentSelectTests : ComponentTestContext
{
    [Fact]
    public void AModelWithoutStandalonePartsShowsNoVaeOrTextEncoderSelect()
    {
        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, Settings.Valid()));

        Assert.Empty(form.FindAll("[data-testid=vae]"));
        Assert.Empty(form.FindAll("[data-testid=text-encoder]"));
    }

    [Fact]
    public void AVaeSelectStartsFromTheModelAndAMisfitsMessageShowsUnderIt()
    {
        const string misfit = "VAE vae-8 decodes 8 latent channels but the UNet of fake-model makes 4.";
        Fake.Models = [Fake.Models[0] with { Components = [new ComponentInfo("sharp", ComponentKind.Vae), new ComponentInfo("vae-8", ComponentKind.Vae, misfit)] }];
        var settings = Settings.Valid() with { Vae = "vae-8" };

        var fresh = Render<SettingsForm>(p => p.Add(f => f.Settings, Settings.Valid()));
        var refused = Render<SettingsForm>(p => p.Add(f => f.Settings, settings).Add(f => f.Errors, SettingsValidator.Validate(settings, Fake.Models)));

        Assert.Single(fresh.FindAll("[data-testid=vae]"));
        Assert.Empty(fresh.FindAll("[data-testid=text-encoder]"));
        Assert.Contains("From the model", fresh.Find("[data-testid=vae]").OuterHtml);
        Assert.Contains(misfit, refused.Markup);
    }
}
