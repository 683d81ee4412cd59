using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class SharedBatchWorkerTests
{
    /// <summary>A fixture model whose UNet takes any batch.</summary>
    private const string RealModel = "fp32-ids-int32-timestep-int64-batch";

    /// <summary>Pixel values may move by this much: a UNet call of another batch size may sum in another order.</summary>
    private const int FloatTolerance = 2;

    private static StudioFactory Studio(int maxBatch, bool realModels = false) => new()
    {
        RealModels = realModels,
        Configuration = new Dictionary<string, string> { ["Studio:Worker:MaxBatch"] = maxBatch.ToString() },
    };

    [Fact]
    public async Task CompatibleWaitingJobsStepTogetherInFairOrderUpToTheBatchLimitEachWithItsOwnProgress()
    {
        using var studio = Studio(maxBatch: 3);
        var updates = new ConcurrentQueue<JobUpdate>();
        // Steps are reported on the generation's thread: whether it is one of the thread pool's.
        var onPoolThreads = new ConcurrentQueue<bool>();
        studio.Services.GetRequiredService<JobProgressFeed>().PublishedHere += update =>
        {
            if (update.Status == JobStatus.Running && update.Step > 0)
            {
                onPoolThreads.Enqueue(Thread.CurrentThread.IsThreadPoolThread);
            }
            updates.Enqueue(update);
        };
        studio.Fake.Hold();
        var first = (await studio.Submission.SubmitAsync("alice", Settings.Valid("alice 1"))).Queued();
        await studio.WaitForStatusAsync("alice", first.Id, JobStatus.Running);

        var waiting = new List<(string Owner, Guid Id)>();
        foreach (var (owner, prompt) in new[] { ("alice", "alice 2"), ("alice", "alice 3"), ("bob", "bob 1"), ("bob", "bob 2"), ("carol", "carol 1") })
        {
            waiting.Add((owner, (await studio.Submission.SubmitAsync(owner, Settings.Valid(prompt) with { Seed = waiting.Count })).Queued().Id));
        }
        studio.Fake.Release();
        foreach (var (owner, id) in waiting)
        {
            Assert.Equal(JobStatus.Succeeded, (await studio.WaitForFinishAsync(owner, id)).Status);
        }

        // Bob goes next by the round robin; the next compatible jobs in fair order join him until three images.
        Assert.Equal([["bob 1", "carol 1", "alice 2"], ["bob 2", "alice 3"]], studio.Fake.SharedBatches.ToArray());
        Assert.Equal(["alice 1", "bob 1", "carol 1", "alice 2", "bob 2", "alice 3"], studio.Fake.Started.ToArray());
        // A job alone and a shared batch each run on a thread of their own, leaving the pool to the heartbeat and the pages.
        Assert.NotEmpty(onPoolThreads);
        Assert.DoesNotContain(true, onPoolThreads);
        foreach (var (owner, id) in waiting)
        {
            var own = updates.Where(u => u.JobId == id).ToList();
            Assert.Equal([1, 2, 3, 4], own.Where(u => u.Status == JobStatus.Running && u.Step > 0).Select(u => u.Step));
            Assert.Equal(JobStatus.Succeeded, own[^1].Status);
            Assert.Single((await studio.Jobs.GetAsync(owner, id))!.Images);
        }
    }

    [Fact]
    public async Task JobsThatCannotStepTogetherOrDoNotFitRunAlone()
    {
        using var studio = Studio(maxBatch: 4);
        studio.Fake.Hold();
        var first = (await studio.Submission.SubmitAsync("alice", Settings.Valid("alice 1"))).Queued();
        await studio.WaitForStatusAsync("alice", first.Id, JobStatus.Running);

        var waiting = new List<(string Owner, Guid Id)>();
        foreach (var (owner, settings) in new[]
        {
            ("bob", Settings.Valid("bob 1")),
            ("carol", Settings.Valid("carol 1") with { Steps = 10 }),
            ("dave", Settings.Valid("dave 1") with { Width = 128 }),
            ("erin", Settings.Valid("erin 1") with { Scheduler = "ddim" }),
            ("frank", Settings.Valid("frank 1") with { GuidanceScale = 3, NegativePrompt = "", Seed = 7 }),
            ("grace", Settings.Valid("grace 1") with { BatchSize = 3 }),
        })
        {
            waiting.Add((owner, (await studio.Submission.SubmitAsync(owner, settings)).Queued().Id));
        }
        studio.Fake.Release();
        foreach (var (owner, id) in waiting)
        {
            Assert.Equal(JobStatus.Succeeded, (await studio.WaitForFinishAsync(owner, id)).Status);
        }

        // Other steps, size or scheduler run alone; grace's three images do not fit beside bob's and frank's, so she goes next, alone.
        Assert.Equal([["bob 1", "frank 1"]], studio.Fake.SharedBatches.ToArray());
        Assert.Equal(["alice 1", "bob 1", "frank 1", "carol 1", "dave 1", "erin 1", "grace 1"], studio.Fake.Started.ToArray());
    }

    [Fact]
    public async Task FastImageToImageAndInpaintJobsShareABatchWithAnExactOneAndHiresFixRunsAlone()
    {
        using var studio = Studio(maxBatch: 4);
        studio.Fake.Hold();
        var first = (await studio.Submission.SubmitAsync("alice", Settings.Valid("alice 1"))).Queued();
        await studio.WaitForStatusAsync("alice", first.Id, JobStatus.Running);

        var init = Png(64, 64, (_, _) => new Rgb24(20, 40, 230));
        var waiting = new List<(string Owner, Guid Id)>();
        foreach (var (owner, settings) in new[]
        {
            ("bob", Settings.Valid("bob 1") with { Speed = Speed.Fast }),
            ("carol", Settings.Valid("carol 1") with { EnableHires = true }),
            ("dave", Settings.Valid("dave 1") with { InitImage = init, Strength = 0.5 }),
            ("erin", Settings.Valid("erin 1") with { InitImage = init, Mask = Png(64, 64, (x, y) => x is > 16 and < 48 && y is > 16 and < 48 ? new(255, 255, 255) : new(0, 0, 0)) }),
            ("frank", Settings.Valid("frank 1") with { Seed = 7 }),
        })
        {
            waiting.Add((owner, (await studio.Submission.SubmitAsync(owner, settings)).Queued().Id));
        }
        studio.Fake.Release();
        foreach (var (owner, id) in waiting)
        {
            Assert.Equal(JobStatus.Succeeded, (await studio.WaitForFinishAsync(owner, id)).Status);
        }

        // The jobs join the batch as each has read its files: in any order.
        Assert.Equal(["bob 1", "dave 1", "erin 1", "frank 1"], Assert.Single(studio.Fake.SharedBatches).Order());
        Assert.Equal(["alice 1", "carol 1"], studio.Fake.Started.Where(p => p is "alice 1" or "carol 1"));
        // Each job joined with its own init image and mask.
        var requests = studio.Fake.Requests.ToDictionary(r => r.Prompt);
        Assert.Equal((true, false), (requests["dave 1"].InitImage is not null, requests["dave 1"].Mask is not null));
        Assert.Equal((true, true), (requests["erin 1"].InitImage is not null, requests["erin 1"].Mask is not null));
        Assert.Equal(Speed.Fast, requests["bob 1"].Speed);
    }

    [Fact]
    public async Task WithABatchLimitOfOneEveryJobRunsAlone()
    {
        using var studio = Studio(maxBatch: 1);
        studio.Fake.Hold();
        var first = (await studio.Submission.SubmitAsync("alice", Settings.Valid("alice 1"))).Queued();
        await studio.WaitForStatusAsync("alice", first.Id, JobStatus.Running);
        var bob = (await studio.Submission.SubmitAsync("bob", Settings.Valid("bob 1"))).Queued();
        var carol = (await studio.Submission.SubmitAsync("carol", Settings.Valid("carol 1"))).Queued();

        studio.Fake.Release();
        await studio.WaitForFinishAsync("bob", bob.Id);
        await studio.WaitForFinishAsync("carol", carol.Id);

        Assert.Empty(studio.Fake.SharedBatches);
        Assert.Equal(["alice 1", "bob 1", "carol 1"], studio.Fake.Started.ToArray());
    }

    [Fact]
    public async Task CancellingOneJobOfASharedBatchRecordsItCancelledAndLeavesTheOthersImagesAsTheyWouldBeAlone()
    {
        using var studio = Studio(maxBatch: 4, realModels: true);
        var feed = studio.Services.GetRequiredService<JobProgressFeed>();
        var steps = new ConcurrentQueue<(Guid Job, int Step)>();
        GenerationSettings Job(string prompt, long seed, double guidance) =>
            Settings.Valid(prompt, RealModel) with { Seed = seed, GuidanceScale = guidance, Steps = 60, Scheduler = "euler-a" };
        var jobs = new[] { ("alice", Job("a red circle", 1, 7)), ("bob", Job("a blue square", 2, 4)), ("carol", Job("two yellow triangles", 3, 1)) };

        // A long job of its own shape holds the worker while the three queue up; cancelling it lets them start together.
        var blocker = (await studio.Submission.SubmitAsync("dave", Settings.Valid("hold", RealModel) with { Steps = 150, Width = 256, Height = 256 })).Queued();
        await studio.WaitForStatusAsync("dave", blocker.Id, JobStatus.Running);
        var ids = new List<Guid>();
        foreach (var (owner, settings) in jobs)
        {
            ids.Add((await studio.Submission.SubmitAsync(owner, settings)).Queued().Id);
        }
        var cancelSent = 0;
        using var watch = feed.SubscribeOwner("bob", update =>
        {
            if (update is { Status: JobStatus.Running, Step: >= 3 } && Interlocked.Exchange(ref cancelSent, 1) == 0)
            {
                _ = studio.Claims.CancelAsync("bob", ids[1]);
            }
        });
        using var record = new Subscriptions(ids.Select(id => feed.SubscribeJob(id, u => steps.Enqueue((u.JobId, u.Step)))));
        await studio.Claims.CancelAsync("dave", blocker.Id);

        var shared = new List<JobRecord>();
        for (var i = 0; i < jobs.Length; i++)
        {
            shared.Add(await studio.WaitForFinishAsync(jobs[i].Item1, ids[i], TimeSpan.FromSeconds(120)));
        }

        Assert.Equal([JobStatus.Succeeded, JobStatus.Cancelled, JobStatus.Succeeded], shared.Select(j => j.Status));
        Assert.Empty(shared[1].Images);
        // They stepped together: carol's first step came before alice's last.
        var order = steps.ToList();
        Assert.True(order.FindIndex(s => s.Job == ids[2] && s.Step == 1) < order.FindIndex(s => s.Job == ids[0] && s.Step == 60));

        foreach (var i in new[] { 0, 2 })
        {
            var alone = (await studio.Submission.SubmitAsync(jobs[i].Item1, jobs[i].Item2)).Queued();
            var again = await studio.WaitForFinishAsync(jobs[i].Item1, alone.Id, TimeSpan.FromSeconds(60));
            Assert.InRange(MaxDifference(studio, shared[i].Images.Single(), again.Images.Single()), 0, FloatTolerance);
        }
        // The two pictures differ, so the comparison above could tell them apart.
        Assert.True(MaxDifference(studio, shared[0].Images.Single(), shared[2].Images.Single()) > 10 * FloatTolerance);
    }

    private static byte[] Png(int width, int height, Func<int, int, Rgb24> pixel)
    {
        using var picture = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                picture[x, y] = pixel(x, y);
            }
        }
        using var stream = new MemoryStream();
        picture.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static int MaxDifference(StudioFactory studio, ImageRecord a, ImageRecord b)
    {
        using var x = Image.Load<Rgb24>(Path.Combine(studio.DataDirectory, a.FilePath));
        using var y = Image.Load<Rgb24>(Path.Combine(studio.DataDirectory, b.FilePath));
        Assert.Equal((x.Width, x.Height), (y.Width, y.Height));
        var max = 0;
        for (var row = 0; row < x.Height; row++)
        {
            for (var column = 0; column < x.Width; column++)
            {
                var (p, q) = (x[column, row], y[column, row]);
                max = Math.Max(max, Math.Max(Math.Abs(p.R - q.R), Math.Max(Math.Abs(p.G - q.G), Math.Abs(p.B - q.B))));
            }
        }
        return max;
    }

    private sealed class Subscriptions(IEnumerable<IDisposable> subscriptions) : IDisposable
    {
        private readonly List<IDisposable> all = [.. subscriptions];

        public void Dispose() => all.ForEach(s => s.Dispose());
    }
}
