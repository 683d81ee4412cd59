using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

/// <summary>Hires fix and seed resize values the studio refuses, each with a message under its own setting.</summary>
public sealed class HiresValidationTests
{
    private static readonly IReadOnlyList<ModelInfo> Models = new FakeImageGenerator().Models;

    private static GenerationSettings Hires() => Settings.Valid() with { EnableHires = true };

    public static TheoryData<Setting, GenerationSettings, string> BadSettings => new()
    {
        { Setting.HiresScale, Hires() with { HiresScale = 0.5 }, "Upscale by must be between 1 and 4." },
        { Setting.HiresScale, Hires() with { Width = 1536, HiresScale = 2 }, "Hires fix would upscale 1536×64 to 3072×128" },
        { Setting.HiresResizeWidth, Hires() with { Height = 128, HiresResizeWidth = 2048, HiresResizeHeight = 64 }, "to 2048×4096 (before the crop)" },
        { Setting.HiresResizeHeight, Hires() with { HiresResizeHeight = 4000 }, "Resize height to must be 0 (off) or between 8 and 2048." },
        { Setting.HiresUpscaler, Hires() with { HiresUpscaler = "ESRGAN_4x" }, "Choose one of the listed upscalers: Latent," },
        { Setting.HiresSteps, Hires() with { HiresSteps = -1 }, "Hires steps must be between 0 (as many as Steps) and 150." },
        { Setting.HiresDenoisingStrength, Hires() with { HiresDenoisingStrength = 0 }, "Hires denoising strength must be above 0 and at most 1." },
        { Setting.HiresDenoisingStrength, Hires() with { HiresDenoisingStrength = double.NaN }, "Hires denoising strength must be above 0" },
        { Setting.EnableHires, Hires() with { InitImage = [1, 2, 3] }, "Hires fix is for txt2img" },
        { Setting.SeedResizeFromWidth, Settings.Valid() with { SeedResizeFromWidth = 4 }, "Resize seed from width must be 0 (off) or between 8 and 2048." },
        { Setting.SeedResizeFromHeight, Settings.Valid() with { SeedResizeFromHeight = -1 }, "Resize seed from height must be 0 (off)" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void ABadValueIsRefusedUnderItsSettingWithAClearMessage(Setting setting, GenerationSettings settings, string message)
    {
        var errors = SettingsValidator.Validate(settings, Models);

        Assert.True(errors.ContainsKey(setting), string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")));
        Assert.Contains(message, errors[setting]);
    }

    [Fact]
    public void HiresFieldsCountOnlyWhileHiresIsOn()
    {
        var settings = Settings.Valid() with { HiresScale = 0, HiresUpscaler = "nothing", HiresDenoisingStrength = 5 };

        Assert.Empty(SettingsValidator.Validate(settings, Models));
    }

    [Fact]
    public void ADoubledSizeWithinTheLimitAndASeedResizeArePlainlyValid()
    {
        var settings = Hires() with { Width = 1024, Height = 512, HiresScale = 2, SeedResizeFromWidth = 512, SeedResizeFromHeight = 384 };

        Assert.Empty(SettingsValidator.Validate(settings, Models));
    }
}
