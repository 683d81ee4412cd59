namespace StableDiffusion.Studio.Storage;

/// <summary>
/// Files under the data directory, named by the server. Writes are atomic: a temp file in the same folder, flushed
/// to disk, then renamed over the final name (rename alone is atomic but not durable; Pillai et al., OSDI'14).
/// </summary>
public sealed class ImageFileStore(StudioPaths paths)
{
    private const string TempSuffix = ".tmp";

    public static string ImagePath(Guid imageId, DateTime createdAt) => $"images/{createdAt:yyyy-MM}/{imageId:N}.png";

    public static string UploadPath(Guid uploadId) => $"uploads/{uploadId:N}.png";

    public async Task WriteAtomicAsync(string relativePath, byte[] bytes, CancellationToken cancellationToken = default)
    {
        var final = paths.Resolve(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temp = final + TempSuffix;
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await file.WriteAsync(bytes, cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, final, overwrite: true);
    }

    /// <summary>The absolute path of a stored file, or null when it is gone.</summary>
    public string? Find(string relativePath)
    {
        var full = paths.Resolve(relativePath);
        return File.Exists(full) ? full : null;
    }

    public Task<byte[]> ReadAsync(string relativePath, CancellationToken cancellationToken = default) =>
        File.ReadAllBytesAsync(paths.Resolve(relativePath), cancellationToken);

    public void Delete(string relativePath)
    {
        var full = paths.Resolve(relativePath);
        if (File.Exists(full))
        {
            File.Delete(full);
        }
    }

    /// <summary>Removes temp files a crash left behind in the folders this store writes; their final names were never written.</summary>
    public int SweepTemporaryFiles()
    {
        var count = 0;
        foreach (var folder in new[] { "images", "uploads" }.Select(paths.Resolve).Where(Directory.Exists))
        {
            foreach (var temp in Directory.EnumerateFiles(folder, "*" + TempSuffix, SearchOption.AllDirectories))
            {
                File.Delete(temp);
                count++;
            }
        }

        return count;
    }
}
