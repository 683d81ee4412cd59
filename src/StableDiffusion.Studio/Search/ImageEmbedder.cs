using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using StableDiffusion.Inference.Clip;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Search;

/// <summary>
/// Gives every image a CLIP vector of the current CLIP model, newest first: a finished job wakes it, so new images are
/// searchable seconds after they are saved, and the same loop back-fills older images and re-embeds those of another
/// CLIP model. It runs beside the generation worker, one image at a time on one thread, so the next job never waits
/// for it.
/// </summary>
public sealed partial class ImageEmbedder(
    ClipModels clip,
    IDbContextFactory<StudioDbContext> contexts,
    DatabaseWriter writer,
    ImageFileStore files,
    JobProgressFeed feed,
    ILogger<ImageEmbedder> logger) : BackgroundService
{
    private const int BatchSize = 16;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly ConcurrentDictionary<Guid, bool> unreadable = new();

    /// <summary>Asks the loop to look for images without a vector now instead of at its next poll.</summary>
    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Woken already.
            }
        }
    }

    /// <summary>Embeds what is pending once; the loop's body, and what tests call to back-fill without waiting.</summary>
    /// <returns>How many images got a vector.</returns>
    public async Task<int> EmbedPendingAsync(CancellationToken cancellationToken)
    {
        if (clip.Model is not { } model)
        {
            return 0;
        }

        var done = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pending = await PendingAsync(model.Id, cancellationToken);
            if (pending.Count == 0)
            {
                return done;
            }

            foreach (var image in pending)
            {
                done += await EmbedAsync(model.Id, image, cancellationToken) ? 1 : 0;
            }
        }

        return done;
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void OnUpdate(JobUpdate update)
        {
            if (update.Status == JobStatus.Succeeded)
            {
                Wake();
            }
        }

        feed.PublishedHere += OnUpdate;
        try
        {
            // Start-up belongs to migrations and the first job; the back-fill begins once the host is up.
            await Task.Yield();
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var embedded = await EmbedPendingAsync(stoppingToken);
                    if (embedded > 0)
                    {
                        LogEmbedded(embedded);
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    LogFailed(error);
                }

                await wake.WaitAsync(IdlePoll, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            feed.PublishedHere -= OnUpdate;
        }
    }

    private async Task<List<ImageRecord>> PendingAsync(string modelId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var skipped = unreadable.Keys.ToList();
        return await db.Images.AsNoTracking().Include(i => i.Job)
            .Where(i => !db.ImageEmbeddings.Any(e => e.ImageId == i.Id && e.ModelId == modelId) && !skipped.Contains(i.Id))
            .OrderByDescending(i => i.CreatedAt)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
    }

    private async Task<bool> EmbedAsync(string modelId, ImageRecord image, CancellationToken cancellationToken)
    {
        float[] vector;
        float? promptScore;
        try
        {
            var bytes = await files.ReadAsync(image.FilePath, cancellationToken);
            (vector, promptScore) = await clip.RunAsync(model =>
            {
                using var pixels = SafeImageDecoder.Decode(bytes);
                var imageVector = model.EmbedImage(pixels, cancellationToken);
                var prompt = image.Job?.Prompt;
                float? score = string.IsNullOrWhiteSpace(prompt) ? null : System.Numerics.Tensors.TensorPrimitives.Dot(imageVector, model.EmbedText(prompt, cancellationToken));
                return (imageVector, score);
            }, cancellationToken);
        }
        catch (Exception error) when (error is IOException or InvalidImageException or UnauthorizedAccessException)
        {
            // A missing or broken file stays without a vector (and out of search results) until the studio restarts.
            unreadable[image.Id] = true;
            LogUnreadable(image.Id, error.Message);
            return false;
        }

        return await writer.WriteAsync(async db =>
        {
            if (!await db.Images.AnyAsync(i => i.Id == image.Id, cancellationToken))
            {
                // Deleted while it was being embedded.
                return false;
            }

            var record = await db.ImageEmbeddings.FirstOrDefaultAsync(e => e.ImageId == image.Id, cancellationToken);
            if (record is null)
            {
                record = new ImageEmbeddingRecord { ImageId = image.Id, OwnerId = image.OwnerId, ModelId = modelId, Vector = [] };
                db.ImageEmbeddings.Add(record);
            }

            record.ModelId = modelId;
            record.Vector = ClipVectors.ToBytes(vector);
            record.PromptScore = promptScore;
            record.CreatedAt = DateTime.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "{Count} images embedded for search")]
    private partial void LogEmbedded(int count);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Embedding images for search failed; the next pass retries")]
    private partial void LogFailed(Exception error);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Image {ImageId} could not be read for search: {Reason}")]
    private partial void LogUnreadable(Guid imageId, string reason);
}
