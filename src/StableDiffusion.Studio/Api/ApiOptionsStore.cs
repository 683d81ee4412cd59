using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;

namespace StableDiffusion.Studio.Api;

/// <summary>Each user's A1111 options (today: the default model), kept per user instead of for the whole server.</summary>
public sealed class ApiOptionsStore(IDbContextFactory<StudioDbContext> contexts, DatabaseWriter writer, ApiModelCatalog models)
{
    /// <summary>The user's chosen model while it is still available, else the studio's default.</summary>
    public async Task<ApiModel?> ModelOfAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var chosen = await db.Set<ApiOptionsRecord>().AsNoTracking()
            .Where(o => o.OwnerId == ownerId)
            .Select(o => o.Model)
            .FirstOrDefaultAsync(cancellationToken);
        return models.Find(chosen) ?? models.Default;
    }

    public Task SetModelAsync(string ownerId, ApiModel model, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(async db =>
        {
            var record = await db.Set<ApiOptionsRecord>().FirstOrDefaultAsync(o => o.OwnerId == ownerId, cancellationToken);
            if (record is null)
            {
                record = new ApiOptionsRecord { OwnerId = ownerId };
                db.Set<ApiOptionsRecord>().Add(record);
            }

            record.Model = model.Name;
            record.UpdatedAt = DateTime.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
}
