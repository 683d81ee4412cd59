using Xunit.Abstractions;

namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>The queue across processes: two worker processes on one PostgreSQL queue, one of them killed mid-job.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterQueueTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan JobsTimeout = TimeSpan.FromSeconds(150);

    [Fact]
    public Task ThirtyJobsFromThreeUsersRunExactlyOnceSpreadOverBothWorkersInFairOrder() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureWorkersAsync();
        // Two long jobs of a fourth user hold both workers, so all thirty are waiting before the first of them starts. Their
        // step counts differ: two jobs that could step together would share one worker's batch and leave the other free.
        var blockers = new[] { await cluster.SubmitAsync("dave", "blocker one", 150, size: 192), await cluster.SubmitAsync("dave", "blocker two", 149, size: 192) };
        await cluster.WaitForJobsAsync(blockers, rows => rows.All(r => r.Status == "Running"), JobsTimeout);

        // Each user submits all ten before the next starts: first-come order would run alice's ten first.
        // A user's ten go at once (the blockers must outlast the submissions, on a loaded machine too).
        var ids = new List<Guid>();
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            ids.AddRange(await Task.WhenAll(Enumerable.Range(0, 10).Select(i => cluster.SubmitAsync(user, $"{user} job {i}", 4))));
        }

        // Cancelled on the web node, stopped on the workers through Redis.
        foreach (var blocker in blockers)
        {
            await cluster.CancelAsync("dave", blocker);
        }

        var jobs = await cluster.WaitForJobsAsync(ids, rows => rows.All(r => r.Status is "Succeeded" or "Failed" or "Cancelled"), JobsTimeout);
        Assert.All(jobs, j => Assert.Equal(("Succeeded", 1, 1), (j.Status, j.Attempts, j.Images)));
        Assert.All(await cluster.JobsAsync(blockers), b => Assert.Equal("Cancelled", b.Status));
        var started = jobs.OrderBy(j => j.StartedAt).ToList();
        Assert.True(jobs.Max(j => j.CreatedAt) < started[0].StartedAt, "A job started before all thirty were queued: the order proves nothing.");

        // Round robin: alice, bob, carol, alice, bob, carol… whichever worker claimed.
        var owners = started.Select(j => j.OwnerId).ToList();
        Assert.Equal(3, owners.Take(3).Distinct().Count());
        for (var i = 3; i < owners.Count; i++)
        {
            Assert.True(owners[i] == owners[i - 3], $"Claim {i} went to {owners[i]}, not {owners[i - 3]}: {string.Join(", ", owners)}");
        }

        var perWorker = jobs.GroupBy(j => j.WorkerId).ToDictionary(g => g.Key ?? "none", g => g.Count());
        output.WriteLine("Jobs per worker: " + string.Join(", ", perWorker.Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(ClusterFixture.WorkerNames.Order(), perWorker.Keys.Order());
        Assert.All(perWorker.Values, count => Assert.True(count >= 3, $"One worker ran only {count} of 30 jobs."));

        var span = jobs.Max(j => j.FinishedAt!.Value) - started[0].StartedAt!.Value;
        output.WriteLine($"Two workers: 30 jobs of 4 steps in {span.TotalSeconds:F1} s = {30 / span.TotalMinutes:F0} jobs/min");
    });

    [Fact]
    public Task CompatibleWaitingJobsStepTogetherOnAWorkerEachWithItsOwnLease() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureWorkersAsync();
        // One blocker per worker (their step counts differ, so they cannot share a batch), so the six all wait.
        var blockers = new[] { await cluster.SubmitAsync("dave", "blocker three", 150, size: 192), await cluster.SubmitAsync("dave", "blocker four", 149, size: 192) };
        await cluster.WaitForJobsAsync(blockers, rows => rows.All(r => r.Status == "Running"), JobsTimeout);
        // Six jobs of one model, size, step count and sampler: each worker claims one and, with it, the next ones in fair
        // order up to its batch limit (4 images).
        var ids = new List<Guid>();
        foreach (var (user, i) in new[] { "frank", "grace", "erin" }.SelectMany(user => new[] { (user, 0), (user, 1) }))
        {
            ids.Add(await cluster.SubmitAsync(user, $"{user} shared {i}", 30));
        }
        foreach (var blocker in blockers)
        {
            await cluster.CancelAsync("dave", blocker);
        }

        var jobs = await cluster.WaitForJobsAsync(ids, rows => rows.All(r => r.Status is "Succeeded" or "Failed" or "Cancelled"), JobsTimeout);
        Assert.All(jobs, j => Assert.Equal(("Succeeded", 1, 1), (j.Status, j.Attempts, j.Images)));
        // A worker runs one generation at a time: two of its jobs running at once ran as one shared batch.
        var together = jobs.SelectMany(a => jobs.Where(b => a.Id != b.Id && a.WorkerId == b.WorkerId && a.StartedAt < b.FinishedAt && b.StartedAt < a.FinishedAt)).Count() / 2;
        output.WriteLine("Jobs per worker: " + string.Join(", ", jobs.GroupBy(j => j.WorkerId).Select(g => $"{g.Key}={g.Count()}")) + $"; overlapping pairs: {together}");
        Assert.True(together > 0, "No two jobs of one worker ran at the same time: nothing was batched.");
    });

    [Fact]
    public Task KilledWorkersJobIsRequeuedWhenItsLeaseExpiresAndCompletesOnTheOtherWorker() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureWorkersAsync();
        var id = await cluster.SubmitAsync("erin", "a job whose worker dies", 150);
        var running = (await cluster.WaitForJobsAsync([id], rows => rows[0] is { Status: "Running", WorkerId: not null }, JobsTimeout))[0];
        var victim = running.WorkerId!;
        var survivor = ClusterFixture.WorkerNames.Single(n => n != victim);

        var killedAt = DateTime.UtcNow;
        cluster.Worker(victim).Kill();
        try
        {
            var done = (await cluster.WaitForJobsAsync([id], rows => rows[0].Status is "Succeeded" or "Failed", JobsTimeout))[0];
            Assert.Equal(("Succeeded", survivor, 2, 1), (done.Status, done.WorkerId, done.Attempts, done.Images));
            var requeuedAfter = done.StartedAt!.Value - killedAt;
            output.WriteLine($"Worker death to the job's claim by the other worker: {requeuedAfter.TotalSeconds:F2} s (lease {ClusterFixture.LeaseSeconds} s)");
            // Not before the lease could have passed, and not long after: renewals come every third of the lease.
            Assert.InRange(requeuedAfter.TotalSeconds, ClusterFixture.LeaseSeconds / 3.0, ClusterFixture.LeaseSeconds + 5);

            var health = await cluster.HealthAsync();
            var dead = health.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("id").GetString() == victim);
            Assert.Equal("expired", dead.GetProperty("state").GetString());
        }
        finally
        {
            await cluster.EnsureWorkersAsync();
        }
    });

    [Fact]
    public Task StoppedWorkerHandsItsJobBackAndTheOtherWorkerRunsIt() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureWorkersAsync();
        var id = await cluster.SubmitAsync("grace", "a job whose worker is stopped", 150);
        var running = (await cluster.WaitForJobsAsync([id], rows => rows[0] is { Status: "Running", WorkerId: not null }, JobsTimeout))[0];
        var stopping = running.WorkerId!;
        try
        {
            // SIGTERM, as a rolling restart sends: the job goes back to the queue at once, not after a lease.
            await cluster.Worker(stopping).TerminateAsync();
            var done = (await cluster.WaitForJobsAsync([id], rows => rows[0].Status is "Succeeded" or "Failed" or "Cancelled", JobsTimeout))[0];
            Assert.Equal(("Succeeded", ClusterFixture.WorkerNames.Single(n => n != stopping), 1, 1), (done.Status, done.WorkerId, done.Attempts, done.Images));

            var health = await cluster.HealthAsync();
            var stopped = health.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("id").GetString() == stopping);
            Assert.Equal("stopped", stopped.GetProperty("state").GetString());
        }
        finally
        {
            await cluster.EnsureWorkersAsync();
        }
    });

    [Fact]
    public Task IdleWorkerClaimsASubmittedJobWithinASecondThroughARedisWakeUp() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureWorkersAsync();
        // With Redis a worker polls only every 10 s: five claims under a second each are wake-ups, not polls.
        var latencies = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var id = await cluster.SubmitAsync("frank", $"wake-up {i}", 2);
            var job = (await cluster.WaitForJobsAsync([id], rows => rows[0].Status == "Succeeded", JobsTimeout))[0];
            latencies.Add((job.StartedAt!.Value - job.CreatedAt).TotalMilliseconds);
        }

        output.WriteLine("Submission to claim with Redis wake-ups (ms): " + string.Join(", ", latencies.Select(l => l.ToString("F0"))));
        Assert.All(latencies, l => Assert.InRange(l, 0, 1000));
    });
}
