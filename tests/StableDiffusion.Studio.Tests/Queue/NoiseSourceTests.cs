using StableDiffusion.Inference.Randomness;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class NoiseSourceTests
{
    [Fact]
    public async Task TheRandomSourceIsStoredPerJobPassedToThePipelineAndShownOnTheImagePage()
    {
        using var studio = new StudioFactory();
        var nv = Settings.Valid("philox noise");
        nv.NoiseSource = NoiseSources.Nv;
        var nvJob = (await studio.Queue.SubmitAsync("alice", nv)).Job!;
        var cpuJob = (await studio.Queue.SubmitAsync("alice", Settings.Valid("torch noise"))).Job!;
        var nvDone = await studio.WaitForFinishAsync("alice", nvJob.Id);
        var cpuDone = await studio.WaitForFinishAsync("alice", cpuJob.Id);
        var bad = Settings.Valid("unknown source");
        bad.NoiseSource = "GPU";

        var refused = await studio.Queue.SubmitAsync("alice", bad);
        var page = await studio.CreateClientFor("alice").GetStringAsync($"/images/{nvDone.Images[0].Id}");

        Assert.Equal("NV", nvDone.NoiseSource);
        Assert.Equal("CPU", cpuDone.NoiseSource);
        Assert.Equal(NoiseSource.Philox, studio.Fake.Requests.Single(r => r.Prompt == "philox noise").NoiseSource);
        Assert.Equal(NoiseSource.Torch, studio.Fake.Requests.Single(r => r.Prompt == "torch noise").NoiseSource);
        Assert.False(refused.Succeeded);
        Assert.Contains("Random source", refused.Errors.Keys);
        Assert.Contains("Random source", page);
        Assert.Contains("NV (Philox", page);
    }
}
