namespace StableDiffusion.Studio.Storage;

public sealed class DataVolume(StudioPaths paths) : IDataVolume
{
    public long AvailableBytes()
    {
        try
        {
            // On Unix DriveInfo takes any path on the file system (statvfs); on Windows it uses the path's root.
            return new DriveInfo(paths.DataDirectory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not knowing must not refuse every job; a write that does run out still fails cleanly.
            return long.MaxValue;
        }
    }

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await file.WriteAsync(bytes, cancellationToken);
        file.Flush(flushToDisk: true);
    }
}
