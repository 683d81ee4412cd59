using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class PromptSettingsTests
{
    [Fact]
    public async Task EmphasisModeAndPaddingAreStoredPerJobPassedToThePipelineAndShownOnTheImagePage()
    {
        using var studio = new StudioFactory();
        var chosen = Settings.Valid("a (red:1.3) circle");
        chosen.EmphasisMode = EmphasisMode.NoNorm;
        chosen.PadPrompts = true;
        var chosenJob = (await studio.Submission.SubmitAsync("alice", chosen)).Queued();
        var plainJob = (await studio.Submission.SubmitAsync("alice", Settings.Valid("a plain circle"))).Queued();
        var chosenDone = await studio.WaitForFinishAsync("alice", chosenJob.Id);
        var plainDone = await studio.WaitForFinishAsync("alice", plainJob.Id);

        var chosenPage = await studio.CreateClientFor("alice").GetStringAsync($"/images/{chosenDone.Images[0].Id}");
        var plainPage = await studio.CreateClientFor("alice").GetStringAsync($"/images/{plainDone.Images[0].Id}");

        Assert.Equal(("NoNorm", true), (chosenDone.EmphasisMode, chosenDone.PadPrompts));
        Assert.Equal(("Original", false), (plainDone.EmphasisMode, plainDone.PadPrompts));
        var request = studio.Fake.Requests.Single(r => r.Prompt == "a (red:1.3) circle");
        Assert.Equal((EmphasisMode.NoNorm, true), (request.EmphasisMode, request.PadPrompts));
        Assert.Contains("Emphasis mode", chosenPage);
        Assert.Contains("No norm", chosenPage);
        Assert.DoesNotContain("Emphasis mode", plainPage);
    }
}
