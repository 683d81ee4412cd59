using StableDiffusion.Studio.Queue;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class NoiseSourceTests
{
    [Fact]
    public async Task TheNoiseSourceIsStoredPerJobPassedToThePipelineAndShownOnTheImagePage()
    {
        using var studio = new StudioFactory();
        var nv = Settings.Valid("philox noise");
        nv.NoiseSource = NoiseSource.Philox;
        var nvJob = (await studio.Submission.SubmitAsync("alice", nv)).Queued();
        var cpuJob = (await studio.Submission.SubmitAsync("alice", Settings.Valid("torch noise"))).Queued();
        var nvDone = await studio.WaitForFinishAsync("alice", nvJob.Id);
        var cpuDone = await studio.WaitForFinishAsync("alice", cpuJob.Id);
        var bad = Settings.Valid("unknown source");
        bad.NoiseSource = (NoiseSource)7;

        var refused = await studio.Submission.SubmitAsync("alice", bad);
        var page = await studio.CreateClientFor("alice").GetStringAsync($"/images/{nvDone.Images[0].Id}");

        Assert.Equal("NV", nvDone.NoiseSource);
        Assert.Equal("CPU", cpuDone.NoiseSource);
        Assert.Equal(NoiseSource.Philox, studio.Fake.Requests.Single(r => r.Prompt == "philox noise").NoiseSource);
        Assert.Equal(NoiseSource.Torch, studio.Fake.Requests.Single(r => r.Prompt == "torch noise").NoiseSource);
        Assert.Contains(Setting.NoiseSource, refused.Errors().Keys);
        Assert.Contains("Noise source (seed noise as a CPU or an NVIDIA GPU makes it)", page);
        Assert.Contains("NV (Philox", page);
    }
}
