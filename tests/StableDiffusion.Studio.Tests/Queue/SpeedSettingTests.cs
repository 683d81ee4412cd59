using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class SpeedSettingTests
{
    [Fact]
    public async Task TheSpeedIsStoredPerJobPassedToThePipelineAndShownOnTheImagePage()
    {
        using var studio = new StudioFactory();
        var fast = Settings.Valid("fast speed");
        fast.Speed = Speed.Fast;
        var fastJob = (await studio.Submission.SubmitAsync("alice", fast)).Queued();
        var exactJob = (await studio.Submission.SubmitAsync("alice", Settings.Valid("exact speed"))).Queued();
        var fastDone = await studio.WaitForFinishAsync("alice", fastJob.Id);
        var exactDone = await studio.WaitForFinishAsync("alice", exactJob.Id);
        var bad = Settings.Valid("unknown speed");
        bad.Speed = (Speed)9;

        var refused = await studio.Submission.SubmitAsync("alice", bad);
        var page = await studio.CreateClientFor("alice").GetStringAsync($"/images/{fastDone.Images[0].Id}");

        Assert.Equal(("Fast", "Exact"), (fastDone.Speed, exactDone.Speed));
        Assert.Equal(Speed.Fast, studio.Fake.Requests.Single(r => r.Prompt == "fast speed").Speed);
        Assert.Equal(Speed.Exact, studio.Fake.Requests.Single(r => r.Prompt == "exact speed").Speed);
        Assert.Equal("Choose Exact or Fast.", refused.Errors()[Setting.Speed]);
        Assert.Contains("Speed (Fast skips steps", page);
        Assert.Matches(@"Speed \(Fast skips steps[^<]*</th><td>Fast</td>", page);
    }
}
