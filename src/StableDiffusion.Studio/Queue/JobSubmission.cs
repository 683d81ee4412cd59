using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// The one way into the queue for the pages and both APIs: the per-user cap first (a full queue is the answer even
/// when a setting is also wrong, since waiting is the fix), then the settings, the submit rate, the upload, and the
/// rows with the cap checked again inside the write.
/// </summary>
public sealed partial class JobSubmission(
    DatabaseWriter writer,
    IDbContextFactory<StudioDbContext> contexts,
    ImageFileStore files,
    IDataVolume volume,
    IImageGenerator generator,
    IJobClaims claims,
    JobProgressFeed feed,
    SubmitRateLimit rateLimit,
    IOptions<StudioOptions> options,
    ILogger<JobSubmission> logger) : IJobSubmission
{
    public Task<SubmitOutcome> SubmitAsync(string ownerId, GenerationSettings settings, CancellationToken cancellationToken = default) =>
        AddAsync(ownerId, [settings], null, fromApi: false, cancellationToken);

    public Task<SubmitOutcome> SubmitFromApiAsync(string ownerId, GenerationSettings settings, CancellationToken cancellationToken = default) =>
        AddAsync(ownerId, [settings], null, fromApi: true, cancellationToken);

    public Task<SubmitOutcome> SubmitComparisonAsync(
        string ownerId, IReadOnlyList<GenerationSettings> cells, ComparisonRecord comparison, CancellationToken cancellationToken = default) =>
        AddAsync(ownerId, cells, comparison, fromApi: false, cancellationToken);

    private async Task<SubmitOutcome> AddAsync(
        string ownerId, IReadOnlyList<GenerationSettings> cells, ComparisonRecord? comparison, bool fromApi, CancellationToken cancellationToken)
    {
        if (await QueueFullAsync(ownerId, cancellationToken) is { } full)
        {
            return full;
        }

        var models = generator.Models;
        foreach (var cell in cells)
        {
            var errors = SettingsValidator.Validate(cell, models);
            if (errors.Count > 0)
            {
                return new SubmitOutcome.Invalid(errors);
            }
        }

        if (volume.AvailableBytes() < options.Value.MinFreeDiskBytes)
        {
            LogDiskFull(options.Value.MinFreeDiskBytes);
            return new SubmitOutcome.DiskFull(options.Value.MinFreeDiskBytes);
        }

        if (rateLimit.TryAcquire(ownerId) is { } retryAfter)
        {
            return new SubmitOutcome.RateLimited(rateLimit.PerMinute, retryAfter);
        }

        // Every cell shares the one init image and mask, so each is read (and re-encoded) once.
        UploadedImage? init = null;
        if (cells[0].InitImage is { } initBytes)
        {
            init = UploadedImageReader.TryRead(initBytes, out var error);
            if (init is null)
            {
                return new SubmitOutcome.Invalid(Setting.InitImage, error!);
            }
        }

        byte[]? mask = null;
        if (cells[0].Mask is { } maskBytes)
        {
            try
            {
                mask = InpaintMask.ToGreyPng(maskBytes);
            }
            catch (InvalidImageException error)
            {
                return new SubmitOutcome.Invalid(Setting.Mask, error.Message);
            }
        }

        string? initPath = null;
        string? maskPath = null;
        List<JobRecord>? jobs;
        try
        {
            jobs = await writer.WriteAsync(async db =>
            {
                // SQLite would wait 30 s for another process's write lock; past this budget the caller hears 503.
                SqliteBusy.LimitWait(db, options.Value.DatabaseBusyTimeoutSeconds);
                if (await db.Jobs.CountWaitingAsync(ownerId, cancellationToken) >= options.Value.MaxQueuedJobsPerUser)
                {
                    return null;
                }

                if (init is not null)
                {
                    initPath = ImageFileStore.UploadPath(Guid.CreateVersion7());
                    await files.WriteAtomicAsync(initPath, init.Png, cancellationToken);
                }

                if (mask is not null)
                {
                    maskPath = ImageFileStore.UploadPath(Guid.CreateVersion7());
                    await files.WriteAtomicAsync(maskPath, mask, cancellationToken);
                }

                var now = DateTime.UtcNow;
                if (comparison is not null)
                {
                    comparison.OwnerId = ownerId;
                    comparison.CreatedAt = now;
                    db.Comparisons.Add(comparison);
                }

                // One tick apart keeps a comparison's cells in their grid order when the queue sorts by CreatedAt.
                var records = cells.Select((cell, i) => JobRecords.Create(ownerId, cell, now.AddTicks(i), initPath, comparison?.Id, maskPath)).ToList();
                foreach (var record in records)
                {
                    record.FromApi = fromApi;
                }

                if (comparison is not null)
                {
                    // Cells arrive grid by grid, row-major: one column per value of X.
                    var columns = ComparisonAxes.Of(comparison).Columns;
                    for (var i = 0; i < records.Count; i++)
                    {
                        (records[i].CellRow, records[i].CellColumn) = (i / columns, i % columns);
                    }
                }

                db.Jobs.AddRange(records);
                await db.SaveChangesAsync(cancellationToken);
                return records;
            }, cancellationToken);
        }
        catch (Exception ex) when (SqliteBusy.Is(ex) || DiskFull.Is(ex))
        {
            // No row names the upload now; it goes with the refusal, whichever it is.
            files.DeleteQuietly([.. new[] { initPath, maskPath }.OfType<string>()]);

            if (SqliteBusy.Is(ex))
            {
                LogBusy(options.Value.DatabaseBusyTimeoutSeconds);
                return new SubmitOutcome.Busy(TimeSpan.FromSeconds(Math.Max(1, options.Value.DatabaseBusyTimeoutSeconds / 2)));
            }

            // The free-space check passed but the upload (or the database) still did not fit.
            LogDiskFull(options.Value.MinFreeDiskBytes);
            return new SubmitOutcome.DiskFull(options.Value.MinFreeDiskBytes);
        }

        // Another request of the same owner got in between the first check and the write.
        if (jobs is null)
        {
            return await QueueFullAsync(ownerId, cancellationToken) ?? new SubmitOutcome.QueueFull(options.Value.MaxQueuedJobsPerUser, TimeSpan.FromSeconds(10));
        }

        foreach (var job in jobs)
        {
            LogQueued(job.Id, ownerId);
            feed.Publish(JobUpdate.Of(job));
            claims.Wake();
        }

        feed.NotifyQueueChanged();
        return new SubmitOutcome.Queued(jobs);
    }

    private async Task<SubmitOutcome.QueueFull?> QueueFullAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var limit = options.Value.MaxQueuedJobsPerUser;
        if (await db.Jobs.CountWaitingAsync(ownerId, cancellationToken) < limit)
        {
            return null;
        }

        // When the owner's running job should be done, by its estimate, else a guess.
        var running = await db.Jobs.AsNoTracking()
            .Where(j => j.OwnerId == ownerId && j.Status == JobStatus.Running)
            .Select(j => j.Id)
            .ToListAsync(cancellationToken);
        var eta = running.Select(id => feed.Latest(id)?.Eta).FirstOrDefault(e => e is not null);
        return new SubmitOutcome.QueueFull(limit, TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(eta?.TotalSeconds ?? 10), 1, 600)));
    }

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "A job was refused: the data directory's drive has less than {MinFreeBytes} bytes free")]
    private partial void LogDiskFull(long minFreeBytes);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "A job was refused: the database stayed locked by another writer for {Seconds} s")]
    private partial void LogBusy(int seconds);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Job {JobId} queued by {OwnerId}")]
    private partial void LogQueued(Guid jobId, string ownerId);
}
