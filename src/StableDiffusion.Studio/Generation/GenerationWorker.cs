using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Owns the pipeline: claims the fairest queued job, runs it, writes its PNGs (file first, then the row) and
/// records how it ended. A failing job becomes Failed with its reason and the next one runs. Waiting jobs that can step
/// with it (<see cref="SharedBatchKey"/>) are claimed with it, next in fair order up to <see cref="WorkerOptions.MaxBatch"/>
/// images, and run as one shared batch; each still has its own progress, cancellation, images and ending.
/// </summary>
public sealed partial class GenerationWorker(
    IJobClaims claims,
    IImageGenerator generator,
    ImageFileStore files,
    StudioPaths paths,
    DatabaseWriter writer,
    JobProgressFeed feed,
    IOptions<StudioOptions> options,
    ILogger<GenerationWorker> logger) : BackgroundService
{
    /// <summary>Why a job was cancelled when nobody pressed Cancel: the host was shut down gracefully.</summary>
    public const string StoppedError = "The server was stopped.";

    private static readonly TimeSpan[] FinishRetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.WorkerConcurrency).Select(_ => Task.Run(() => RunLoopAsync(stoppingToken), stoppingToken)));

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var job = await claims.ClaimNextAsync(stoppingToken);
                if (job is null)
                {
                    await claims.WaitForWorkAsync(stoppingToken);
                    continue;
                }

                var companions = await ClaimCompanionsAsync(job, stoppingToken);
                if (companions.Count == 0)
                {
                    await RunJobAsync(job, Alone, stoppingToken);
                }
                else
                {
                    await RunTogetherAsync([job, .. companions], stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database hiccup must not end the loop; the next claim retries.
                LogLoopError(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Waiting jobs that can share a batch with <paramref name="first"/>, claimed; none when batches are off or it runs alone.</summary>
    private async Task<IReadOnlyList<JobRecord>> ClaimCompanionsAsync(JobRecord first, CancellationToken stoppingToken)
    {
        var room = options.Value.Worker.MaxBatch - first.BatchSize;
        if (room < 1 || first.BatchKey() is not { } key)
        {
            return [];
        }

        try
        {
            // Not cancelled halfway by a stopping host: a job claimed but not returned would stay Running until the next start.
            return await claims.ClaimCompanionsAsync(first, job => job.BatchKey() == key, room, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The first job is claimed already: it runs alone rather than wait on the database.
            LogCompanionsFailed(ex, first.Id);
            return [];
        }
    }

    /// <summary>Each job's run as it would go alone, its pipeline call one member of a shared one.</summary>
    private async Task RunTogetherAsync(IReadOnlyList<JobRecord> jobs, CancellationToken stoppingToken)
    {
        LogSharedBatch(jobs.Count, jobs.Sum(j => j.BatchSize), jobs[0].Model);
        var shared = new SharedRun(generator, jobs.Count);
        await Task.WhenAll(jobs.Select(async job =>
        {
            var joined = 0;
            try
            {
                await RunJobAsync(job, (settings, progress, cancellationToken, skip) =>
                {
                    Interlocked.Exchange(ref joined, 1);
                    return shared.Join(settings, progress, cancellationToken, skip);
                }, stoppingToken);
            }
            finally
            {
                // A job that ended before its run started (whatever threw) must not hold the others back.
                if (Volatile.Read(ref joined) == 0)
                {
                    shared.Leave();
                }
            }
        }));
    }

    /// <remarks>
    /// On a thread of its own, not the thread pool's: a job holds its thread for seconds to minutes, and on a 2-core machine
    /// the pool has two threads to start with, which the lease heartbeat, database calls and SignalR also need.
    /// </remarks>
    private Task<GenerationResult> Alone(GenerationSettings settings, IProgress<StepProgress> progress, CancellationToken cancellationToken, SkipSignal skip) =>
        Task.Factory.StartNew(() => generator.Generate(settings, progress, cancellationToken, skip), cancellationToken, TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>Starts a job's pipeline run: alone, or as one member of a shared batch.</summary>
    private delegate Task<GenerationResult> StartGeneration(GenerationSettings settings, IProgress<StepProgress> progress, CancellationToken cancellationToken,
        SkipSignal skip);

    private async Task RunJobAsync(JobRecord job, StartGeneration start, CancellationToken stoppingToken)
    {
        var skip = new SkipSignal();
        using var cts = claims.BeginRun(job.Id, stoppingToken, skip);
        using var watchdog = new StepWatchdog(cts, TimeSpan.FromSeconds(options.Value.StepTimeoutSeconds));
        var clock = Stopwatch.StartNew();
        LogStarted(job.Id, job.Model, job.Steps);
        Publish(job, JobStatus.Running, new StepProgress(0, job.ImageCount, 0, job.TotalSteps(), TimeSpan.Zero, null, job.BatchSize), null, clock.Elapsed);
        try
        {
            var init = job.InitImagePath is null ? null : await files.ReadAsync(job.InitImagePath, cts.Token);
            var mask = job.MaskPath is null ? null : await files.ReadAsync(job.MaskPath, cts.Token);
            var settings = JobRecords.Settings(job) with { InitImage = init, Mask = mask };
            // Previews come every step or every few (VAE previews); the last one stays on screen in between.
            byte[]? lastPreview = null;
            var progress = new StepReporter(step =>
            {
                // A stopped run has nothing more to say; one left behind by the watchdog must not show its job running again.
                if (cts.IsCancellationRequested)
                {
                    return;
                }

                watchdog.Restart();
                // The pipeline hands out pixels; browsers get a PNG.
                lastPreview = step.Preview is { } preview ? GeneratedPng.EncodePreview(preview) : lastPreview;
                Publish(job, JobStatus.Running, step, lastPreview, clock.Elapsed);
            });
            watchdog.Restart();
            var generation = start(settings, progress, cts.Token, skip);
            var result = await WaitOrGiveUpAsync(generation, watchdog);
            // Saving is not a step: a slow disk is the disk-full check's business, not the hang watchdog's.
            watchdog.Stop();
            var images = await SaveImagesAsync(job, settings, result);
            if (await FinishAsync(job, JobStatus.Succeeded, null, result, images))
            {
                LogSucceeded(job.Id, clock.ElapsedMilliseconds);
            }
            else
            {
                // No rows name these files; without them the start-up sweep would find them as orphans.
                files.DeleteQuietly(images.Select(i => i.FilePath));
            }
        }
        catch (Exception) when (watchdog.Fired)
        {
            LogTimedOut(job.Id, options.Value.StepTimeoutSeconds);
            await FinishAsync(job, JobStatus.Failed, TimedOutError(options.Value.StepTimeoutSeconds), null, []);
        }
        catch (Exception) when (cts.IsCancellationRequested)
        {
            // Usually OperationCanceledException; an ONNX call stopped by RunOptions.Terminate may surface as its own
            // exception, and either way someone asked for the stop: the user, or the host shutting down gracefully
            // (a crash instead leaves the row Running, and the start-up pass calls it interrupted).
            if (stoppingToken.IsCancellationRequested && await claims.HandBackAsync(job))
            {
                // Several workers share the queue: another one runs it from the start.
                LogHandedBack(job.Id);
                return;
            }

            await FinishAsync(job, JobStatus.Cancelled, stoppingToken.IsCancellationRequested ? StoppedError : null, null, []);
            LogCancelled(job.Id);
        }
        catch (Exception ex)
        {
            LogFailed(ex, job.Id);
            await FinishAsync(job, JobStatus.Failed, ErrorFor(ex), null, []);
            if (OutOfMemory.Is(ex))
            {
                // Its sessions may hold a fragmented arena; the next job on this model starts from fresh ones.
                generator.Reset(job.Model);
            }
        }
        finally
        {
            claims.EndRun(job.Id);
        }
    }

    /// <summary>
    /// The run's result; when the watchdog gives up on a run that did not stop when cancelled, the worker leaves it
    /// behind (its thread is lost until it returns) rather than hold every job behind it.
    /// </summary>
    private async Task<GenerationResult> WaitOrGiveUpAsync(Task<GenerationResult> generation, StepWatchdog watchdog)
    {
        try
        {
            return await generation.WaitAsync(watchdog.GivenUp);
        }
        catch (OperationCanceledException) when (watchdog.GivenUp.IsCancellationRequested && !generation.IsCompleted)
        {
            // Whatever it ends with later is only logged; an unobserved fault would otherwise surface at finalization.
            _ = generation.ContinueWith(t => LogAbandonedEnded(t.Exception), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            LogAbandoned();
            throw;
        }
    }

    /// <summary>The reason a hung job ends with.</summary>
    public static string TimedOutError(int seconds) => $"The generation timed out: one step took longer than {seconds} seconds.";

    /// <summary>
    /// The sentence a failed job shows its user: known causes in their own words, anything else as "The generation
    /// failed: …" with the server's paths taken out (the log has the exception whole).
    /// </summary>
    private string ErrorFor(Exception ex) => ex switch
    {
        _ when DiskFull.Is(ex) => DiskFull.Error,
        _ when OutOfMemory.Is(ex) => OutOfMemory.Error,
        // Already a sentence, made by the generator without the models directory's path.
        ModelLoadException => ServerPaths.Hide(ex.Message, paths.DataDirectory),
        _ => $"The generation failed: {ServerPaths.Hide(ex.Message, paths.DataDirectory)}",
    };

    private async Task<List<ImageRecord>> SaveImagesAsync(JobRecord job, GenerationSettings settings, GenerationResult result)
    {
        var images = new List<ImageRecord>();
        var modelHash = generator.HashOf(job.Model)?.Short;
        try
        {
            foreach (var (image, index) in result.Images.Select((image, index) => (image, index)))
            {
                var id = Guid.CreateVersion7();
                var now = DateTime.UtcNow;
                var path = ImageFileStore.ImagePath(id, now);
                // The file carries A1111's infotext of the settings it was made with, in its "parameters" chunk.
                var parameters = Infotext.Write(InfotextMapping.ToInfotext(image.Settings, job.Model, modelHash, image.BatchPosition));
                // Not cancellable: once the pipeline has finished, its images are kept.
                await files.WriteAtomicAsync(path, GeneratedPng.Encode(image.Image, parameters), CancellationToken.None);
                images.Add(new ImageRecord
                {
                    Id = id, JobId = job.Id, OwnerId = job.OwnerId, Index = index, Seed = image.Seed, Width = image.Image.Width, Height = image.Image.Height,
                    FilePath = path, Parameters = parameters, CreatedAt = now,
                });
            }
        }
        catch
        {
            // The job fails without images, so the ones already written would be files without rows.
            files.DeleteQuietly(images.Select(i => i.FilePath));
            throw;
        }

        return images;
    }

    /// <summary>
    /// Records how the job ended, retrying a failed write a few times (a full disk or a locked database may pass).
    /// False when the row could not be written: the job is then published as failed all the same, so waiting callers
    /// get their answer, and the start-up pass settles the row still marked Running.
    /// </summary>
    private async Task<bool> FinishAsync(JobRecord job, JobStatus status, string? error, GenerationResult? result, List<ImageRecord> images)
    {
        job.Status = status;
        job.Error = error;
        job.FinishedAt = DateTime.UtcNow;
        job.TotalMilliseconds = result?.Timings.Total;
        job.MillisecondsPerStep = result?.Timings.UnetPerStep;
        job.Warnings = result is { Warnings.Count: > 0 } ? string.Join("\n", result.Warnings) : null;
        for (var attempt = 0;; attempt++)
        {
            try
            {
                var held = await writer.WriteAsync(async db =>
                {
                    // Each attempt waits for another process's lock as long as a submission does, not SQLite's 30 s.
                    SqliteBusy.LimitWait(db, options.Value.DatabaseBusyTimeoutSeconds);
                    await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
                    // Only while this worker still holds the job: after a lost lease another worker may run it now.
                    var changed = await db.Jobs
                        .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.WorkerId == job.WorkerId)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(j => j.Status, job.Status)
                            .SetProperty(j => j.Error, job.Error)
                            .SetProperty(j => j.FinishedAt, job.FinishedAt)
                            .SetProperty(j => j.TotalMilliseconds, job.TotalMilliseconds)
                            .SetProperty(j => j.MillisecondsPerStep, job.MillisecondsPerStep)
                            .SetProperty(j => j.Warnings, job.Warnings)
                            .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), CancellationToken.None);
                    if (changed == 0)
                    {
                        return false;
                    }

                    // A browser that signed up while the job ran has moved it to its account: its images follow.
                    var owner = await db.Jobs.Where(j => j.Id == job.Id).Select(j => j.OwnerId).SingleAsync(CancellationToken.None);
                    images.ForEach(i => i.OwnerId = owner);
                    db.Images.AddRange(images);
                    await db.SaveChangesAsync(CancellationToken.None);
                    await transaction.CommitAsync(CancellationToken.None);
                    return true;
                }, CancellationToken.None);
                if (!held)
                {
                    // Requeued after this worker's lease passed (it was cut off from the database, or paused):
                    // the job is another run's now, so this one records and publishes nothing.
                    LogLeaseLost(job.Id);
                    return false;
                }

                break;
            }
            catch (Exception ex) when (attempt < FinishRetryDelays.Length)
            {
                LogFinishRetry(ex, job.Id, attempt + 1);
                await Task.Delay(FinishRetryDelays[attempt], CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogFinishLost(ex, job.Id);
                // A success whose rows are lost is a failure (its files go too); a failure or a cancellation stays what it was.
                var (lostStatus, reason) = DiskFull.Is(ex) ? (JobStatus.Failed, DiskFull.Error)
                    : status == JobStatus.Succeeded ? (JobStatus.Failed, "The result could not be saved.")
                    : (status, error);
                PublishEnd(job, lostStatus, reason, []);
                return false;
            }
        }

        PublishEnd(job, status, error, images.Select(i => i.Id).ToList());
        return true;
    }

    /// <summary>The job's last update: every step of the last image done, and how it ended.</summary>
    private void PublishEnd(JobRecord job, JobStatus status, string? error, IReadOnlyList<Guid> imageIds) =>
        feed.Publish(new JobUpdate(job.Id, job.OwnerId, status, job.TotalSteps(), job.TotalSteps(), Math.Max(0, job.ImageCount - job.BatchSize), job.ImageCount, null, null,
            error, imageIds, job.BatchSize));

    private void Publish(JobRecord job, JobStatus status, StepProgress step, byte[]? previewPng, TimeSpan elapsed)
    {
        var update = new JobUpdate(job.Id, job.OwnerId, status, step.Step, step.TotalSteps, step.ImageIndex, step.ImageCount, null, previewPng, null, [], step.BatchSize);
        var fraction = update.Fraction;
        feed.Publish(fraction > 0 ? update with { Eta = elapsed * ((1 - fraction) / fraction) } : update);
    }

    /// <summary>Reports on the pipeline's own thread; <see cref="Progress{T}"/> would post to the thread pool and reorder steps.</summary>
    private sealed class StepReporter(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Job {JobId} started on {Model}, {Steps} steps")]
    private partial void LogStarted(Guid jobId, string model, int steps);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Job {JobId} succeeded in {Milliseconds} ms")]
    private partial void LogSucceeded(Guid jobId, long milliseconds);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Job {JobId} cancelled")]
    private partial void LogCancelled(Guid jobId);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Job {JobId} failed")]
    private partial void LogFailed(Exception exception, Guid jobId);

    [LoggerMessage(EventId = 307, Level = LogLevel.Warning, Message = "Job {JobId} stopped: one step took longer than {Seconds} s")]
    private partial void LogTimedOut(Guid jobId, int seconds);

    [LoggerMessage(EventId = 308, Level = LogLevel.Error, Message = "A generation did not stop when its step timed out; it is left behind and the queue goes on. If this repeats, restart the server")]
    private partial void LogAbandoned();

    [LoggerMessage(EventId = 309, Level = LogLevel.Warning, Message = "A generation left behind after a timeout ended with an error")]
    private partial void LogAbandonedEnded(Exception? exception);

    [LoggerMessage(EventId = 304, Level = LogLevel.Error, Message = "The generation loop hit an error; retrying")]
    private partial void LogLoopError(Exception exception);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Job {JobId}: recording its end failed (attempt {Attempt}); retrying")]
    private partial void LogFinishRetry(Exception exception, Guid jobId, int attempt);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Job {JobId} handed back to the queue: this worker is stopping")]
    private partial void LogHandedBack(Guid jobId);

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Job {JobId}: this worker's lease on it had passed and it was requeued; its result is dropped")]
    private partial void LogLeaseLost(Guid jobId);

    [LoggerMessage(EventId = 312, Level = LogLevel.Information, Message = "{Jobs} jobs ({Images} images) on {Model} step together as one shared batch")]
    private partial void LogSharedBatch(int jobs, int images, string model);

    [LoggerMessage(EventId = 313, Level = LogLevel.Warning, Message = "Job {JobId}: claiming jobs to share its batch failed; it runs alone")]
    private partial void LogCompanionsFailed(Exception exception, Guid jobId);

    [LoggerMessage(EventId = 306, Level = LogLevel.Error, Message = "Job {JobId}: its end could not be recorded; published as failed, the next start settles its row")]
    private partial void LogFinishLost(Exception exception, Guid jobId);
}
