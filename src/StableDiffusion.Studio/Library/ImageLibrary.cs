using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Library;

/// <summary>A user's generated images. Another user's image answers exactly like a missing one.</summary>
public sealed class ImageLibrary(IDbContextFactory<StudioDbContext> contexts, DatabaseWriter writer, ImageFileStore files)
{
    /// <summary>Newest first; <paramref name="search"/> matches prompt text (SQLite LIKE: case-insensitive for ASCII).</summary>
    public async Task<ImagePage> ListAsync(string ownerId, string? search, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Images.AsNoTracking().Include(i => i.Job).Where(i => i.OwnerId == ownerId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            query = query.Where(i => EF.Functions.Like(i.Job!.Prompt, pattern, "\\"));
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderByDescending(i => i.CreatedAt)
            .Skip(Math.Max(0, page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return new ImagePage(items, total);
    }

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
