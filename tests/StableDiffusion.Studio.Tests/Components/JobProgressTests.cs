using Bunit;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Components;

public sealed class JobProgressTests : ComponentTestContext
{
    private static readonly Guid JobId = Guid.NewGuid();

    [Fact]
    public void ARunningJobShowsStepOfTotalEtaAndThePreview()
    {
        var update = new JobUpdate(JobId, "alice", JobStatus.Running, 5, 20, 0, 1, TimeSpan.FromSeconds(12), [1, 2, 3], null, []);

        var view = Render<JobProgress>(p => p.Add(c => c.Update, update));

        Assert.Equal("Step 5/20", view.Find("[data-testid=step-text]").TextContent);
        Assert.Equal("ETA 12s", view.Find("[data-testid=eta]").TextContent);
        Assert.StartsWith("data:image/png;base64,", view.Find("img[alt='Live preview']").GetAttribute("src"));
        Assert.Contains("25", view.Find(".mud-progress-linear").GetAttribute("aria-valuenow"));
    }

    [Fact]
    public void ABatchNamesTheImageBeingDenoised()
    {
        var update = new JobUpdate(JobId, "alice", JobStatus.Running, 3, 10, 1, 4, null, null, null, []);

        var view = Render<JobProgress>(p => p.Add(c => c.Update, update));

        Assert.Equal("Image 2/4, step 3/10", view.Find("[data-testid=step-text]").TextContent);
    }

    [Fact]
    public void ABatchOfSeveralImagesNamesThemAllAndCountsTheirStepsTogether()
    {
        var update = new JobUpdate(JobId, "alice", JobStatus.Running, 5, 10, 4, 8, null, null, null, [], BatchSize: 4);

        var view = Render<JobProgress>(p => p.Add(c => c.Update, update));

        Assert.Equal("Images 5–8/8, step 5/10", view.Find("[data-testid=step-text]").TextContent);
        Assert.Equal(0.75, update.Fraction);
    }

    [Fact]
    public void ARunningBatchJobOffersSkipNextToCancelAndASingleImageDoesNot()
    {
        var skipped = false;
        var batch = new JobUpdate(JobId, "alice", JobStatus.Running, 3, 10, 0, 3, null, null, null, []);
        var single = batch with { ImageCount = 1 };

        var view = Render<JobProgress>(p => p.Add(c => c.Update, batch).Add(c => c.OnSkip, () => skipped = true));
        var alone = Render<JobProgress>(p => p.Add(c => c.Update, single).Add(c => c.OnSkip, () => skipped = true));
        view.FindAll("button").Single(b => b.TextContent.Trim() == "Skip").Click();

        Assert.True(skipped);
        Assert.Contains(view.FindAll("button"), b => b.TextContent.Trim() == "Cancel");
        Assert.DoesNotContain(alone.FindAll("button"), b => b.TextContent.Trim() == "Skip");
    }

    [Fact]
    public void AWaitingJobShowsItsQueuePositionAndCancelCallsBack()
    {
        var cancelled = false;
        var update = new JobUpdate(JobId, "alice", JobStatus.Queued, 0, 20, 0, 1, null, null, null, []);

        var view = Render<JobProgress>(p => p.Add(c => c.Update, update).Add(c => c.QueuePosition, 3).Add(c => c.OnCancel, () => cancelled = true));
        view.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.Equal("Waiting: 2 jobs ahead of yours", view.Find("[data-testid=queue-position]").TextContent);
        Assert.True(cancelled);
    }

    [Fact]
    public void AJobTheQueueNoLongerListsNeverShowsPositionZero()
    {
        var update = new JobUpdate(JobId, "alice", JobStatus.Queued, 0, 20, 0, 1, null, null, null, []);

        var view = Render<JobProgress>(p => p.Add(c => c.Update, update).Add(c => c.QueuePosition, 0));

        Assert.Equal("Waiting in queue", view.Find("[data-testid=queue-position]").TextContent);
    }

    [Fact]
    public void AWaitingJobSaysHowManyJobsAreAheadAndWhenItShouldBeDone()
    {
        var update = new JobUpdate(JobId, "alice", JobStatus.Queued, 0, 20, 0, 1, null, null, null, []);

        var next = Render<JobProgress>(p => p.Add(c => c.Update, update).Add(c => c.JobsAhead, 0));
        var later = Render<JobProgress>(p => p.Add(c => c.Update, update).Add(c => c.JobsAhead, 3).Add(c => c.Remaining, TimeSpan.FromSeconds(95)));

        Assert.Equal("Waiting: yours runs next", next.Find("[data-testid=queue-position]").TextContent);
        Assert.Equal("Waiting: 3 jobs ahead of yours, done in about 1m 35s", later.Find("[data-testid=queue-position]").TextContent);
    }

    [Fact]
    public void ACancelledJobSaysSo()
    {
        var update = new JobUpdate(JobId, "alice", JobStatus.Cancelled, 0, 20, 0, 1, null, null, null, []);

        var view = Render<JobProgress>(p => p.Add(c => c.Update, update));

        Assert.Equal("Cancelled", view.Find("[data-testid=job-status]").TextContent);
    }

    [Fact]
    public void AFinishedJobOffersNoCancel()
    {
        var update = new JobUpdate(JobId, "alice", JobStatus.Succeeded, 20, 20, 0, 1, null, null, null, []);

        var view = Render<JobProgress>(p => p.Add(c => c.Update, update));

        Assert.DoesNotContain(view.FindAll("button"), b => b.TextContent.Trim() == "Cancel");
    }
}
