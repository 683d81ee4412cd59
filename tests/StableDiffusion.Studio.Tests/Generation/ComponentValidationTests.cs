using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

/// <summary>A swapped VAE or text encoder checked at submit: unknown names and misfits refused under their own setting.</summary>
public sealed class ComponentValidationTests
{
    private const string Misfit = "VAE vae-8 decodes 8 latent channels but the UNet of fake-model makes 4.";

    private static readonly IReadOnlyList<ModelInfo> Models =
    [
        new FakeImageGenerator().Models[0] with
        {
            Components =
            [
                new ComponentInfo("sharp", ComponentKind.Vae),
                new ComponentInfo("vae-8", ComponentKind.Vae, Misfit),
                new ComponentInfo("clip-seed1", ComponentKind.TextEncoder),
            ],
        },
        new ModelInfo("other-model", null, ModelDefaults.StableDiffusion15, true, "CPU", "fake") { Components = [new ComponentInfo("sharp", ComponentKind.Vae, "VAE sharp scales latents by 4 but the VAE of other-model by 8.")] },
    ];

    public static TheoryData<Setting, GenerationSettings, string> Refused => new()
    {
        { Setting.Vae, Settings.Valid() with { Vae = "nope" }, "No VAE named nope." },
        { Setting.Vae, Settings.Valid() with { Vae = "clip-seed1" }, "No VAE named clip-seed1." },
        { Setting.TextEncoder, Settings.Valid() with { TextEncoder = "sharp" }, "No text encoder named sharp." },
        { Setting.Vae, Settings.Valid() with { Vae = "vae-8" }, Misfit },
        { Setting.Vae, Settings.Valid("a cat", "other-model") with { Vae = "sharp" }, "VAE sharp scales latents by 4 but the VAE of other-model by 8." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void AnUnknownOrMisfittingPartIsRefusedUnderItsSettingWithTheMismatchNamed(Setting setting, GenerationSettings settings, string message)
    {
        var errors = SettingsValidator.Validate(settings, Models);

        Assert.Equal([setting], errors.Keys);
        Assert.Equal(message, errors[setting]);
    }

    [Fact]
    public void FittingPartsAndTheModelsOwnArePassed()
    {
        Assert.Empty(SettingsValidator.Validate(Settings.Valid() with { Vae = "sharp", TextEncoder = "clip-seed1" }, Models));
        Assert.Empty(SettingsValidator.Validate(Settings.Valid(), Models));
    }

    [Fact]
    public void TheListingGivesEachPartItsKindTheModelsItFitsAndWhyNotTheOthers()
    {
        var listed = ComponentResponse.List(Models);

        Assert.Equal(["clip-seed1", "sharp", "vae-8"], listed.Select(c => c.Name));
        var sharp = listed.Single(c => c.Name == "sharp");
        Assert.Equal("vae", sharp.Kind);
        Assert.Equal(["fake-model"], sharp.Fits);
        Assert.Equal("VAE sharp scales latents by 4 but the VAE of other-model by 8.", sharp.Misfits["other-model"]);
        Assert.Equal("text-encoder", listed[0].Kind);
        Assert.Equal(["fake-model"], listed[0].Fits);
        Assert.Empty(listed.Single(c => c.Name == "vae-8").Fits);
    }
}
