using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class GeneratorFaultTests
{
    [Fact]
    public async Task AJobThatRunsOutOfMemoryFailsWithAdviceTheModelIsResetAndTheNextJobRuns()
    {
        var generator = new FaultyImageGenerator();
        generator.Faults["too big"] = new Fault(FaultKind.OutOfMemory, AtStep: 2);
        using var studio = new StudioFactory { Generator = generator };

        var failed = await studio.GenerateAsync("alice", "too big");
        var next = await studio.GenerateAsync("alice", "a calm sea");

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(OutOfMemory.Error, failed.Error);
        Assert.Equal([FakeImageGenerator.ModelName], generator.Resets);
        Assert.Equal(JobStatus.Succeeded, next.Status);
    }

    [Fact]
    public async Task AHungStepIsStoppedAfterTheStepTimeoutAndTheQueueGoesOn()
    {
        var generator = new FaultyImageGenerator();
        generator.Faults["stuck"] = new Fault(FaultKind.Hang, AtStep: 3);
        using var studio = new StudioFactory { Generator = generator, Configuration = new Dictionary<string, string> { ["Studio:StepTimeoutSeconds"] = "1" } };
        var clock = Stopwatch.StartNew();
        var hung = (await studio.Submission.SubmitAsync("alice", Settings.Valid("stuck"))).Queued();
        var next = (await studio.Submission.SubmitAsync("alice", Settings.Valid("a calm sea"))).Queued();

        var timedOut = await studio.WaitForFinishAsync("alice", hung.Id);
        var elapsed = clock.Elapsed;
        var succeeded = await studio.WaitForFinishAsync("alice", next.Id);

        Assert.Equal(JobStatus.Failed, timedOut.Status);
        Assert.Equal("The generation timed out: one step took longer than 1 seconds.", timedOut.Error);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(JobStatus.Succeeded, succeeded.Status);
        Assert.Empty(generator.Resets);
    }

    [Fact]
    public async Task AStepThatIgnoresCancellationIsLeftBehindAndTheQueueGoesOn()
    {
        var generator = new FaultyImageGenerator();
        generator.Faults["wedged"] = new Fault(FaultKind.Stuck, AtStep: 2);
        using var studio = new StudioFactory { Generator = generator, Configuration = new Dictionary<string, string> { ["Studio:StepTimeoutSeconds"] = "1" } };
        var stuck = (await studio.Submission.SubmitAsync("alice", Settings.Valid("wedged"))).Queued();
        var next = (await studio.Submission.SubmitAsync("alice", Settings.Valid("a calm sea"))).Queued();

        var timedOut = await studio.WaitForFinishAsync("alice", stuck.Id);
        var succeeded = await studio.WaitForFinishAsync("alice", next.Id);
        generator.Unstick.Set();

        Assert.Equal(JobStatus.Failed, timedOut.Status);
        Assert.Equal(GenerationWorker.TimedOutError(1), timedOut.Error);
        Assert.Equal(JobStatus.Succeeded, succeeded.Status);
    }

    [Fact]
    public async Task StepsThatEachFinishInTimeAreNotStoppedHoweverLongTheWholeRunTakes()
    {
        var generator = new FaultyImageGenerator { StepTime = TimeSpan.FromMilliseconds(400), FinishTime = TimeSpan.FromMilliseconds(1500) };
        using var studio = new StudioFactory { Generator = generator, Configuration = new Dictionary<string, string> { ["Studio:StepTimeoutSeconds"] = "1" } };

        var job = await studio.GenerateAsync("alice", "slow but steady");

        Assert.Equal(JobStatus.Succeeded, job.Status);
    }

    [Fact]
    public async Task AUserCancelIsNotCalledATimeout()
    {
        var generator = new FaultyImageGenerator();
        generator.Faults["stuck"] = new Fault(FaultKind.Hang, AtStep: 1);
        using var studio = new StudioFactory { Generator = generator, Configuration = new Dictionary<string, string> { ["Studio:StepTimeoutSeconds"] = "30" } };
        var job = (await studio.Submission.SubmitAsync("alice", Settings.Valid("stuck"))).Queued();
        await studio.WaitForStatusAsync("alice", job.Id, JobStatus.Running);

        Assert.True(await studio.Claims.CancelAsync("alice", job.Id));
        var cancelled = await studio.WaitForFinishAsync("alice", job.Id);

        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.Error);
    }

    [Fact]
    public async Task AFailureThatNamesAServerFileIsToldWithoutItsDirectories()
    {
        var generator = new FaultyImageGenerator();
        using var studio = new StudioFactory { Generator = generator };
        var file = Path.Combine(studio.DataDirectory, "images", "2026", "broken.png");
        generator.Faults["unlucky"] = new Fault(FaultKind.Fail, AtStep: 2, Message: $"Could not find a part of the path '{file}'.");

        var failed = await studio.GenerateAsync("alice", "unlucky");
        // Relative to the data directory: enough to find it, nothing about the server's disks.
        var expected = $"The generation failed: Could not find a part of the path '{Path.Combine("images", "2026", "broken.png")}'.";
        using var a1111 = studio.CreateApiClient();
        var response = await a1111.PostAsJsonAsync("/sdapi/v1/txt2img", new { prompt = "unlucky", steps = 4, width = 64, height = 64 });
        var detail = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, failed.Error);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(expected, detail);
        Assert.DoesNotContain(studio.DataDirectory, detail);
    }
}
