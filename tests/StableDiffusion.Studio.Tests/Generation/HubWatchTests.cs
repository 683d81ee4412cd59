using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class HubWatchTests
{
    [Fact]
    public async Task AnOwnerWatchingTheirJobGetsProgressAndThenFinished()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(30);
        var settings = Settings.Valid("watched");
        settings.Steps = 10;
        var job = (await studio.Submission.SubmitAsync("alice", settings)).Queued();
        await using var connection = studio.CreateHubConnection("alice");
        var progress = new ConcurrentQueue<WatchedUpdate>();
        var finished = new TaskCompletionSource<WatchedUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<WatchedUpdate>("Progress", progress.Enqueue);
        connection.On<WatchedUpdate>("Finished", u => finished.TrySetResult(u));
        await connection.StartAsync();

        var current = await connection.InvokeAsync<WatchedUpdate>("Watch", job.Id);
        studio.Fake.Release();
        var final = await finished.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(job.Id, current.JobId);
        Assert.Equal(JobStatus.Succeeded, final.Status);
        Assert.Single(final.ImageIds);
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal(10, p.TotalSteps));
        Assert.Contains(progress, p => p.Step > 0);
    }

    [Fact]
    public async Task WatchingAnAlreadyFinishedJobSendsFinishedAtOnce()
    {
        using var studio = new StudioFactory();
        var job = await studio.GenerateAsync("alice", "done before watching");
        await using var connection = studio.CreateHubConnection("alice");
        var finished = new TaskCompletionSource<WatchedUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<WatchedUpdate>("Finished", u => finished.TrySetResult(u));
        await connection.StartAsync();

        await connection.InvokeAsync<WatchedUpdate>("Watch", job.Id);
        var final = await finished.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(JobStatus.Succeeded, final.Status);
        Assert.Equal(job.Images.Select(i => i.Id), final.ImageIds);
    }
}
