using Microsoft.EntityFrameworkCore;
using StableDiffusion.Inference.Clip;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Search;

/// <summary>
/// Search by meaning over one user's images: a query text, or another image, becomes a CLIP vector and the user's
/// vectors are ranked by cosine similarity, brute force (a dot product each; 10,000 images take milliseconds, see
/// <c>sd bench --search</c>). Only the owner's images are read; another user's image answers as a missing one.
/// </summary>
public sealed class ImageSearch(ClipModels clip, IDbContextFactory<StudioDbContext> contexts, ImageFileStore files)
{
    /// <summary>Why search by meaning is off, or null when it is on.</summary>
    public string? Unavailable => clip.Unavailable;

    /// <summary>The owner's images ranked by similarity to <paramref name="text"/>, narrowed by the filter's other parts.</summary>
    public async Task<SearchPage> ByTextAsync(string ownerId, string text, GalleryFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        var query = await clip.RunAsync(model => model.EmbedText(text.Trim(), cancellationToken), cancellationToken);
        return await RankAsync(ownerId, query, null, filter, page, pageSize, cancellationToken);
    }

    /// <summary>
    /// The owner's other images ranked by similarity to image <paramref name="imageId"/>; null when the owner has no such
    /// image. An image not embedded yet is embedded for the query.
    /// </summary>
    public async Task<SearchPage?> LikeAsync(string ownerId, Guid imageId, GalleryFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        var model = clip.Model ?? throw new InvalidOperationException(clip.Unavailable);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == imageId && i.OwnerId == ownerId, cancellationToken);
        if (image is null)
        {
            return null;
        }

        var stored = await db.ImageEmbeddings.AsNoTracking()
            .Where(e => e.ImageId == imageId && e.ModelId == model.Id).Select(e => e.Vector).FirstOrDefaultAsync(cancellationToken);
        float[] query;
        if (stored is not null)
        {
            query = ClipVectors.FromBytes(stored);
        }
        else
        {
            var bytes = await files.ReadAsync(image.FilePath, cancellationToken);
            query = await clip.RunAsync(m =>
            {
                using var pixels = SafeImageDecoder.Decode(bytes);
                return m.EmbedImage(pixels, cancellationToken);
            }, cancellationToken);
        }

        return await RankAsync(ownerId, query, imageId, filter, page, pageSize, cancellationToken);
    }

    /// <summary>
    /// The owner's images matching the whole filter (its search text as plain text), in order of their CLIP score, how
    /// closely each matches its own prompt: best first, then the images without a score yet (not indexed, or no
    /// prompt), newest first.
    /// </summary>
    public async Task<PromptScorePage> ByPromptScoreAsync(string ownerId, GalleryFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        var modelId = clip.Model?.Id ?? throw new InvalidOperationException(clip.Unavailable);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var candidates = ImageLibrary.Matching(db.Images.AsNoTracking().Where(i => i.OwnerId == ownerId), filter);
        var scored =
            from image in candidates
            let score = db.ImageEmbeddings.Where(e => e.ImageId == image.Id && e.ModelId == modelId).Select(e => e.PromptScore).FirstOrDefault()
            orderby score == null, score descending, image.CreatedAt descending
            select new { Image = image, image.Job, Score = score };
        var total = await candidates.CountAsync(cancellationToken);
        var notIndexed = await candidates.CountAsync(i => !db.ImageEmbeddings.Any(e => e.ImageId == i.Id && e.ModelId == modelId), cancellationToken);
        var rows = await scored.Skip(Math.Max(0, page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            row.Image.Job = row.Job;
        }

        var scores = rows.Where(r => r.Score is not null).ToDictionary(r => r.Image.Id, r => r.Score!.Value);
        return new PromptScorePage(new ImagePage([.. rows.Select(r => r.Image)], total), scores, notIndexed);
    }

    /// <summary>The CLIP score of an owned image (cosine similarity with its own prompt), or null before it is indexed.</summary>
    public async Task<float?> PromptScoreAsync(string ownerId, Guid imageId, CancellationToken cancellationToken = default)
    {
        if (clip.Model is not { } model)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ImageEmbeddings.AsNoTracking()
            .Where(e => e.ImageId == imageId && e.OwnerId == ownerId && e.ModelId == model.Id)
            .Select(e => e.PromptScore)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>How far the owner's images are indexed with the current CLIP model.</summary>
    public async Task<SearchProgress> ProgressAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var total = await db.Images.CountAsync(i => i.OwnerId == ownerId, cancellationToken);
        if (clip.Model is not { } model)
        {
            return new SearchProgress(0, total, null, clip.Unavailable);
        }

        var indexed = await db.ImageEmbeddings.CountAsync(e => e.OwnerId == ownerId && e.ModelId == model.Id, cancellationToken);
        return new SearchProgress(indexed, total, model.Id, null);
    }

    private async Task<SearchPage> RankAsync(string ownerId, float[] query, Guid? exclude, GalleryFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        var modelId = clip.Model!.Id;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var candidates = ImageLibrary.Narrow(db.Images.Where(i => i.OwnerId == ownerId), filter with { Search = null });
        var rows = await db.ImageEmbeddings.AsNoTracking()
            .Where(e => e.OwnerId == ownerId && e.ModelId == modelId && e.ImageId != exclude && candidates.Any(i => i.Id == e.ImageId))
            .Select(e => new { e.ImageId, e.Vector })
            .ToListAsync(cancellationToken);
        var notIndexed = await candidates.CountAsync(i => !db.ImageEmbeddings.Any(e => e.ImageId == i.Id && e.ModelId == modelId), cancellationToken);

        var dimension = query.Length;
        var matrix = new float[rows.Count * dimension];
        var usable = 0;
        var ids = new Guid[rows.Count];
        foreach (var row in rows.Where(r => r.Vector.Length == dimension * sizeof(float)))
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(row.Vector).CopyTo(matrix.AsSpan(usable * dimension, dimension));
            ids[usable++] = row.ImageId;
        }

        var scores = new float[usable];
        ClipVectors.Similarities(query, matrix.AsSpan(0, usable * dimension), scores);
        var skip = Math.Max(0, page - 1) * pageSize;
        var top = ClipVectors.Top(scores, skip + pageSize).Skip(skip).ToArray();
        var pageIds = top.Select(i => ids[i]).ToList();
        var images = await db.Images.AsNoTracking().Include(i => i.Job).Where(i => pageIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var items = top.Where(i => images.ContainsKey(ids[i])).Select(i => new ScoredImage(images[ids[i]], scores[i])).ToList();
        return new SearchPage(items, usable, notIndexed);
    }
}
