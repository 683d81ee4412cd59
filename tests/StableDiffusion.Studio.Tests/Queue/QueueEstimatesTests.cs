using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class QueueEstimatesTests
{
    [Fact]
    public async Task TheOverviewCountsTheWholeQueueTheJobsAheadAndTimeLeftFromTheMeasuredSpeedOfEachModelAndSize()
    {
        using var studio = new StudioFactory();
        // Measured earlier: 64×64 runs at 200 ms a step (the median; 900 is one slow outlier), 128×128 at 1000 ms.
        await AddFinishedAsync(studio, 64, 64, 200, 180, 900, 200);
        await AddFinishedAsync(studio, 128, 128, 1000);
        studio.Fake.Hold();
        var running = (await studio.Submission.SubmitAsync("alice", Settings.Valid("running"))).Queued();
        await studio.WaitForStatusAsync("alice", running.Id, JobStatus.Running);
        var bob = (await studio.Submission.SubmitAsync("bob", Settings.Valid("bob 1"))).Queued();
        var big = Settings.Valid("alice big") with { Width = 128, Height = 128 };
        var alice = (await studio.Submission.SubmitAsync("alice", big)).Queued();
        var unmeasured = Settings.Valid("alice unmeasured") with { Width = 96, Height = 96 };
        var last = (await studio.Submission.SubmitAsync("alice", unmeasured)).Queued();

        var overview = await studio.Services.GetRequiredService<QueueEstimates>().OverviewAsync("alice");

        Assert.Equal((1, 3, 4), (overview.Running, overview.Waiting, overview.Length));
        // The fair order: bob's job, then alice's (she was served last), the running one in front of all.
        Assert.Equal(2, overview.JobsAhead[alice.Id]);
        Assert.Equal(3, overview.JobsAhead[last.Id]);
        Assert.DoesNotContain(bob.Id, overview.JobsAhead.Keys);
        Assert.Equal(TimeSpan.FromMilliseconds(4 * 200), overview.Remaining[running.Id]);
        Assert.Equal(TimeSpan.FromMilliseconds((4 * 200) + (4 * 200) + (4 * 1000)), overview.Remaining[alice.Id]);
        // No finished 96×96 job: no guess.
        Assert.DoesNotContain(last.Id, overview.Remaining.Keys);
    }

    [Fact]
    public async Task CancelAllCancelsEveryWaitingAndRunningJobOfTheOwnerOnly()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var running = (await studio.Submission.SubmitAsync("alice", Settings.Valid("running"))).Queued();
        await studio.WaitForStatusAsync("alice", running.Id, JobStatus.Running);
        // Running in the database comes a moment before the worker registers the job's cancellation.
        while (studio.Fake.Started.IsEmpty)
        {
            await Task.Delay(10);
        }

        var waiting = (await studio.Submission.SubmitAsync("alice", Settings.Valid("waiting"))).Queued();
        var bob = (await studio.Submission.SubmitAsync("bob", Settings.Valid("bob's"))).Queued();
        await using var scope = studio.Services.CreateAsyncScope();
        var generation = AsUser(scope, "alice");

        var cancelled = await generation.CancelAllAsync();

        Assert.Equal(2, cancelled);
        Assert.Equal(JobStatus.Cancelled, (await studio.WaitForFinishAsync("alice", running.Id)).Status);
        Assert.Equal(JobStatus.Cancelled, (await studio.Jobs.GetAsync("alice", waiting.Id))!.Status);
        // Bob's job is untouched: it runs next.
        Assert.NotEqual(JobStatus.Cancelled, (await studio.Jobs.GetAsync("bob", bob.Id))!.Status);
    }

    private static StableDiffusion.Studio.Generation.GenerationService AsUser(AsyncServiceScope scope, string userId)
    {
        var authentication = (Microsoft.AspNetCore.Components.Authorization.IHostEnvironmentAuthenticationStateProvider)
            scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(
            StableDiffusion.Studio.Identity.StudioIdentity.CreatePrincipal(userId))));
        return scope.ServiceProvider.GetRequiredService<StableDiffusion.Studio.Generation.GenerationService>();
    }

    private static async Task AddFinishedAsync(StudioFactory studio, int width, int height, params double[] millisecondsPerStep)
    {
        await using var db = await studio.OpenDatabaseAsync();
        var finished = DateTime.UtcNow.AddMinutes(-10);
        foreach (var speed in millisecondsPerStep)
        {
            finished = finished.AddSeconds(1);
            db.Jobs.Add(new JobRecord
            {
                Id = Guid.NewGuid(), OwnerId = "carol", Prompt = "earlier", Scheduler = "euler", Model = FakeImageGenerator.ModelName,
                Width = width, Height = height, Steps = 4, Status = JobStatus.Succeeded, CreatedAt = finished, FinishedAt = finished,
                MillisecondsPerStep = speed,
            });
        }

        await db.SaveChangesAsync();
    }
}
