using Bunit;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Components;

public sealed class ResultListTests : ComponentTestContext
{
    [Fact]
    public void FailedAndStoppedJobsShowTheirReasonAndARetryButtonThatCallsBackWithTheJob()
    {
        var failed = Job(JobStatus.Failed, "The server ran out of disk space.");
        var stopped = Job(JobStatus.Cancelled, GenerationWorker.StoppedError);
        var succeeded = Job(JobStatus.Succeeded, null);
        var retried = new List<Guid>();

        var view = Render<ResultList>(p => p.Add(c => c.Jobs, [failed, stopped, succeeded]).Add(c => c.OnRetry, id => retried.Add(id)));
        var buttons = view.FindAll("[data-testid=retry]").Count;
        for (var i = 0; i < buttons; i++)
        {
            // A click re-renders, so each button is found again.
            view.FindAll("[data-testid=retry]")[i].Click();
        }

        Assert.Equal(2, buttons);
        Assert.Contains("Failed: The server ran out of disk space.", view.Markup);
        Assert.Contains("Cancelled: The server was stopped.", view.Markup);
        Assert.Equal([failed.Id, stopped.Id], retried);
    }

    private static JobRecord Job(JobStatus status, string? error) => new()
    {
        Id = Guid.CreateVersion7(), OwnerId = "alice", Prompt = "a square", Model = FakeImageGenerator.ModelName, Scheduler = "euler",
        Status = status, Error = error, NoiseSource = "CPU",
    };
}
