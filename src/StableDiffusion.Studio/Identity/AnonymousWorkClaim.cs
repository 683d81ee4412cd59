using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Persistence;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Moves everything an anonymous browser made (images, jobs waiting or done, comparisons, share links, API keys,
/// defaults and API options) to the account it signs up or signs in as, in one transaction: the browser's cookie was
/// the only thing that could find that work, and it is replaced by the account's.
/// </summary>
public sealed partial class AnonymousWorkClaim(DatabaseWriter writer, JobProgressFeed feed, ILogger<AnonymousWorkClaim> logger)
{
    /// <summary>How many rows moved. Per-user settings the account already has win over the browser's.</summary>
    public async Task<int> ClaimAsync(string anonymousId, string accountId, CancellationToken cancellationToken = default)
    {
        if (anonymousId == accountId)
        {
            return 0;
        }

        var moved = await writer.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var rows = 0;
            rows += await db.Jobs.Where(j => j.OwnerId == anonymousId)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.OwnerId, accountId), cancellationToken);
            rows += await db.Images.Where(i => i.OwnerId == anonymousId)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.OwnerId, accountId), cancellationToken);
            // Search vectors follow their images; they are not counted as work of their own.
            await db.ImageEmbeddings.Where(e => e.OwnerId == anonymousId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.OwnerId, accountId), cancellationToken);
            rows += await db.Comparisons.Where(c => c.OwnerId == anonymousId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerId, accountId), cancellationToken);
            rows += await db.ShareLinks.Where(l => l.OwnerId == anonymousId)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.OwnerId, accountId), cancellationToken);
            rows += await db.Set<ApiKeyRecord>().Where(k => k.OwnerId == anonymousId)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.OwnerId, accountId), cancellationToken);
            // Tables keyed by owner: the browser's row becomes the account's unless the account has its own.
            var defaults = db.Set<UserDefaultsRecord>().Where(d => d.OwnerId == anonymousId);
            rows += await db.Set<UserDefaultsRecord>().AnyAsync(d => d.OwnerId == accountId, cancellationToken)
                ? await defaults.ExecuteDeleteAsync(cancellationToken)
                : await defaults.ExecuteUpdateAsync(s => s.SetProperty(d => d.OwnerId, accountId), cancellationToken);
            var apiOptions = db.Set<ApiOptionsRecord>().Where(o => o.OwnerId == anonymousId);
            rows += await db.Set<ApiOptionsRecord>().AnyAsync(o => o.OwnerId == accountId, cancellationToken)
                ? await apiOptions.ExecuteDeleteAsync(cancellationToken)
                : await apiOptions.ExecuteUpdateAsync(s => s.SetProperty(o => o.OwnerId, accountId), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return rows;
        }, cancellationToken);

        if (moved > 0)
        {
            LogClaimed(moved, accountId);
            feed.NotifyQueueChanged();
        }

        return moved;
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Moved {Rows} rows of an anonymous browser to account {AccountId}")]
    private partial void LogClaimed(int rows, string accountId);
}
