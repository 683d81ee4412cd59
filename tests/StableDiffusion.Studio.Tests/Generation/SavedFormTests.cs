using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class SavedFormTests
{
    private readonly FakeImageGenerator fake = new();

    [Fact]
    public void AFormComesBackWithEverySettingButWithoutItsPictures()
    {
        var form = Settings.Valid() with
        {
            Prompt = "two red circles on a blue background", NegativePrompt = "blurry", Steps = 31, GuidanceScale = 3.5, Seed = 42, Width = 96,
            EnableHires = true, VariationStrength = 0.2, InitImage = [1, 2, 3], Mask = [4],
        };
        var current = Settings.Valid();

        var json = SavedForm.Serialize(form);
        var restored = SavedForm.Restore(json, current, fake.Models);

        Assert.DoesNotContain("AQID", json, StringComparison.Ordinal);
        Assert.Equal(form with { InitImage = null, Mask = null }, restored);
    }

    [Fact]
    public void AModelThatIsGoneIsReplacedAndUnreadableTextChangesNothing()
    {
        var current = Settings.Valid();
        var saved = SavedForm.Serialize(current with { Model = "broken-model", Prompt = "kept" });

        var restored = SavedForm.Restore(saved, current, fake.Models);

        Assert.Equal((FakeImageGenerator.ModelName, "kept"), (restored.Model, restored.Prompt));
        Assert.Same(current, SavedForm.Restore("{not json", current, fake.Models));
    }
}
