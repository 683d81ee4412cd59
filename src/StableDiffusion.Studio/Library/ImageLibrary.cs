using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Library;

/// <summary>A user's generated images. Another user's image answers exactly like a missing one.</summary>
public sealed class ImageLibrary(IDbContextFactory<StudioDbContext> contexts, DatabaseWriter writer, ImageFileStore files)
{
    /// <summary>Newest first; <paramref name="search"/> matches prompt text (SQLite LIKE: case-insensitive for ASCII).</summary>
    public Task<ImagePage> ListAsync(string ownerId, string? search, int page, int pageSize, CancellationToken cancellationToken = default) =>
        SearchAsync(ownerId, new GalleryFilter(search), page, pageSize, cancellationToken);

    /// <summary>Narrowed by <paramref name="filter"/>, newest first (oldest first when it asks; a best-match order is
    /// <see cref="Search.ImageSearch.ByPromptScoreAsync"/>'s).</summary>
    public async Task<ImagePage> SearchAsync(string ownerId, GalleryFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Matching(db.Images.AsNoTracking().Include(i => i.Job).Where(i => i.OwnerId == ownerId), filter);
        query = filter.Order == GalleryOrder.Oldest ? query.OrderBy(i => i.CreatedAt) : query.OrderByDescending(i => i.CreatedAt);
        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .Skip(Math.Max(0, page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return new ImagePage(items, total);
    }

    /// <summary>The whole filter applied to <paramref name="query"/>: its search text as prompt text or a seed, and the rest.</summary>
    public static IQueryable<ImageRecord> Matching(IQueryable<ImageRecord> query, GalleryFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var search = filter.Search.Trim();
            var pattern = "%" + search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            // A number is a seed as well as prompt text ("42 dalmatians").
            query = long.TryParse(search, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seed)
                ? query.Where(i => i.Seed == seed || EF.Functions.Like(i.Job!.Prompt, pattern, "\\"))
                : query.Where(i => EF.Functions.Like(i.Job!.Prompt, pattern, "\\"));
        }

        return Narrow(query, filter);
    }

    /// <summary>The filter's model, sampler, size and date applied to <paramref name="query"/> (its search text is not).</summary>
    public static IQueryable<ImageRecord> Narrow(IQueryable<ImageRecord> query, GalleryFilter filter)
    {
        if (!string.IsNullOrEmpty(filter.Model))
        {
            query = query.Where(i => i.Job!.Model == filter.Model);
        }

        if (!string.IsNullOrEmpty(filter.Sampler))
        {
            query = query.Where(i => i.Job!.Scheduler == filter.Sampler);
        }

        if (ParseSize(filter.Size) is var (width, height))
        {
            query = query.Where(i => i.Width == width && i.Height == height);
        }

        if (filter.Since is { } since)
        {
            query = query.Where(i => i.CreatedAt >= since);
        }

        return query;
    }

    /// <summary>The models, samplers and sizes the owner's images have, for the gallery's filters.</summary>
    public async Task<GalleryChoices> ChoicesAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var kinds = await db.Images.AsNoTracking().Where(i => i.OwnerId == ownerId)
            .Select(i => new { i.Job!.Model, i.Job.Scheduler, i.Width, i.Height })
            .Distinct()
            .ToListAsync(cancellationToken);
        return new GalleryChoices(
            [.. kinds.Select(k => k.Model).Distinct().Order(StringComparer.Ordinal)],
            [.. kinds.Select(k => k.Scheduler).Distinct().Order(StringComparer.Ordinal)],
            [.. kinds.OrderBy(k => k.Width * k.Height).Select(k => GalleryFilter.SizeOf(k.Width, k.Height)).Distinct()]);
    }

    /// <summary>The owner's images among <paramref name="imageIds"/> with their jobs; others' are left out.</summary>
    public async Task<IReadOnlyList<ImageRecord>> GetManyAsync(string ownerId, IReadOnlyCollection<Guid> imageIds, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Images.AsNoTracking().Include(i => i.Job)
            .Where(i => i.OwnerId == ownerId && imageIds.Contains(i.Id))
            .OrderByDescending(i => i.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The file of a stored relative path, or null when it is gone.</summary>
    public string? FileOf(ImageRecord image) => files.Find(image.FilePath);

    /// <summary>The image with its job and its share links.</summary>
    public async Task<ImageRecord?> GetAsync(string ownerId, Guid imageId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Images.AsNoTracking().Include(i => i.Job).Include(i => i.ShareLinks)
            .FirstOrDefaultAsync(i => i.Id == imageId && i.OwnerId == ownerId, cancellationToken);
    }

    /// <summary>The absolute file path of an owned image, or null.</summary>
    public async Task<string?> FindFileAsync(string ownerId, Guid imageId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var path = await db.Images.Where(i => i.Id == imageId && i.OwnerId == ownerId).Select(i => i.FilePath).FirstOrDefaultAsync(cancellationToken);
        return path is null ? null : files.Find(path);
    }

    private static (int Width, int Height)? ParseSize(string? size) =>
        size?.Split('×') is [var w, var h] && int.TryParse(w, out var width) && int.TryParse(h, out var height) ? (width, height) : null;

    /// <summary>Deletes the row first, then the file: a crash in between leaves an orphan file, never a row without one.</summary>
    public async Task<bool> DeleteAsync(string ownerId, Guid imageId, CancellationToken cancellationToken = default)
    {
        var path = await writer.WriteAsync(async db =>
        {
            var image = await db.Images.FirstOrDefaultAsync(i => i.Id == imageId && i.OwnerId == ownerId, cancellationToken);
            if (image is null)
            {
                return null;
            }

            db.Images.Remove(image);
            await db.SaveChangesAsync(cancellationToken);
            return image.FilePath;
        }, cancellationToken);

        if (path is null)
        {
            return false;
        }

        files.Delete(path);
        return true;
    }
}
