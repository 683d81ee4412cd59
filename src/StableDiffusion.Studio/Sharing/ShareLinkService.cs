using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;

namespace StableDiffusion.Studio.Sharing;

/// <summary>Creates, lists, revokes and opens share links. The token is returned once, at creation.</summary>
public sealed class ShareLinkService(IDbContextFactory<StudioDbContext> contexts, DatabaseWriter writer)
{
    /// <summary>A new link to an owned image, or null when the image is not the owner's.</summary>
    public Task<string?> CreateForImageAsync(string ownerId, Guid imageId, CancellationToken cancellationToken = default) =>
        CreateAsync(ownerId, db => db.Images.AnyAsync(i => i.Id == imageId && i.OwnerId == ownerId, cancellationToken),
            link => link.ImageId = imageId, cancellationToken);

    public Task<string?> CreateForComparisonAsync(string ownerId, Guid comparisonId, CancellationToken cancellationToken = default) =>
        CreateAsync(ownerId, db => db.Comparisons.AnyAsync(c => c.Id == comparisonId && c.OwnerId == ownerId, cancellationToken),
            link => link.ComparisonId = comparisonId, cancellationToken);

    /// <summary>Live links of an owned image or comparison, newest first.</summary>
    public async Task<IReadOnlyList<ShareLinkRecord>> ListActiveAsync(string ownerId, Guid? imageId, Guid? comparisonId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ShareLinks.AsNoTracking()
            .Where(s => s.OwnerId == ownerId && s.RevokedAt == null && s.ImageId == imageId && s.ComparisonId == comparisonId)
            .OrderByDescending(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Revokes at once: the next request for the link gets 404.</summary>
    public async Task<bool> RevokeAsync(string ownerId, Guid linkId, CancellationToken cancellationToken = default) =>
        await writer.WriteAsync(db => db.ShareLinks
            .Where(s => s.Id == linkId && s.OwnerId == ownerId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, DateTime.UtcNow), cancellationToken), cancellationToken) == 1;

    /// <summary>
    /// The live link with its image (and job) or comparison (with jobs and images); null for unknown, revoked and
    /// deleted alike, so the public page cannot tell them apart.
    /// </summary>
    public async Task<ShareLinkRecord?> OpenAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!ShareToken.LooksValid(token))
        {
            return null;
        }

        var hash = ShareToken.Hash(token);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var link = await db.ShareLinks.AsNoTracking()
            .Include(s => s.Image).ThenInclude(i => i!.Job)
            .Include(s => s.Comparison).ThenInclude(c => c!.Jobs).ThenInclude(j => j.Images)
            .AsSplitQuery()
            .FirstOrDefaultAsync(s => s.TokenHash == hash && s.RevokedAt == null, cancellationToken);
        return link is { Image: not null } or { Comparison: not null } ? link : null;
    }

    private async Task<string?> CreateAsync(
        string ownerId, Func<StudioDbContext, Task<bool>> owns, Action<ShareLinkRecord> target, CancellationToken cancellationToken)
    {
        var token = ShareToken.Create();
        var created = await writer.WriteAsync(async db =>
        {
            if (!await owns(db))
            {
                return false;
            }

            var link = new ShareLinkRecord { Id = Guid.CreateVersion7(), OwnerId = ownerId, TokenHash = ShareToken.Hash(token), CreatedAt = DateTime.UtcNow };
            target(link);
            db.ShareLinks.Add(link);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
        return created ? token : null;
    }
}
