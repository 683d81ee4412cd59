namespace StableDiffusion.Studio.Storage;

/// <summary>
/// Files under the data directory, named by the server. Writes are atomic: a temp file in the same folder, flushed
/// to disk, then renamed over the final name (rename alone is atomic but not durable; Pillai et al., OSDI'14).
/// </summary>
public sealed class ImageFileStore(StudioPaths paths, IDataVolume volume)
{
    private const string TempSuffix = ".tmp";

    public static string ImagePath(Guid imageId, DateTime createdAt) => $"images/{createdAt:yyyy-MM}/{imageId:N}.png";

    public static string UploadPath(Guid uploadId) => $"uploads/{uploadId:N}.png";

    public async Task WriteAtomicAsync(string relativePath, byte[] bytes, CancellationToken cancellationToken = default)
    {
        var final = paths.Resolve(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temp = final + TempSuffix;
        try
        {
            await volume.WriteAsync(temp, bytes, cancellationToken);
            File.Move(temp, final, overwrite: true);
        }
        catch
        {
            // A full disk leaves a short or empty temp file; nothing will ever finish it.
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Removes stored files, as far as it can: used to undo a job's images when their rows cannot be written.</summary>
    public void DeleteQuietly(IEnumerable<string> relativePaths)
    {
        foreach (var path in relativePaths)
        {
            TryDelete(paths.Resolve(path));
        }
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

    /// <summary>
    /// Removes files under <paramref name="folder"/> that no row names (a crash between the file and its row, or a
    /// row that could not be written), given the stored relative paths that are kept.
    /// </summary>
    public int SweepUnlistedFiles(string folder, IReadOnlySet<string> kept)
    {
        var root = paths.Resolve(folder);
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(paths.DataDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!kept.Contains(relative) && TryDelete(file))
            {
                count++;
            }
        }

        return count;
    }

    private static bool TryDelete(string fullPath)
    {
        try
        {
            File.Delete(fullPath);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
