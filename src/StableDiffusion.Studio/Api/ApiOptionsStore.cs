using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Persistence;

namespace StableDiffusion.Studio.Api;

/// <summary>Each user's A1111 options (the default model, <c>sd_vae</c> and <c>randn_source</c>), kept per user instead of for the whole server.</summary>
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

    /// <summary>The user's <c>sd_vae</c>: a standalone VAE's name, or null for "Automatic" (the model's own).</summary>
    public async Task<string?> VaeOfAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<ApiOptionsRecord>().AsNoTracking()
            .Where(o => o.OwnerId == ownerId)
            .Select(o => o.Vae)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <param name="vae">A standalone VAE's name; null for "Automatic".</param>
    public Task SetVaeAsync(string ownerId, string? vae, CancellationToken cancellationToken = default) =>
        UpdateAsync(ownerId, record => record.Vae = vae, cancellationToken);

    /// <summary>
    /// The user's <c>randn_source</c>; "CPU" unless they set another. A1111 defaults to "GPU", but CPU noise gives the
    /// same image for a seed on any machine, with or without a GPU.
    /// </summary>
    public async Task<string> RandnSourceOfAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var chosen = await db.Set<ApiOptionsRecord>().AsNoTracking()
            .Where(o => o.OwnerId == ownerId)
            .Select(o => o.RandnSource)
            .FirstOrDefaultAsync(cancellationToken);
        return chosen ?? NoiseSources.ToA1111(NoiseSource.Torch);
    }

    public Task SetModelAsync(string ownerId, ApiModel model, CancellationToken cancellationToken = default) =>
        UpdateAsync(ownerId, record => record.Model = model.Name, cancellationToken);

    /// <param name="randnSource">"CPU", "GPU" or "NV", kept as given so that options read back what was set.</param>
    public Task SetRandnSourceAsync(string ownerId, string randnSource, CancellationToken cancellationToken = default) =>
        UpdateAsync(ownerId, record => record.RandnSource = randnSource, cancellationToken);

    private Task UpdateAsync(string ownerId, Action<ApiOptionsRecord> update, CancellationToken cancellationToken) =>
        writer.WriteAsync(async db =>
        {
            var record = await db.Set<ApiOptionsRecord>().FirstOrDefaultAsync(o => o.OwnerId == ownerId, cancellationToken);
            if (record is null)
            {
                record = new ApiOptionsRecord { OwnerId = ownerId };
                db.Set<ApiOptionsRecord>().Add(record);
            }

            update(record);
            record.UpdatedAt = DateTime.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
}
