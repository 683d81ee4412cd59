namespace StableDiffusion.Studio.Storage;

/// <summary>
/// The drive the data directory lives on: how much room is left, and the one call that puts bytes on it. Tests
/// replace it to run out of space without filling a disk.
/// </summary>
public interface IDataVolume
{
    /// <summary>Free bytes for this process on the data directory's drive; <see cref="long.MaxValue"/> when unknown.</summary>
    long AvailableBytes();

    /// <summary>Creates or truncates <paramref name="path"/>, writes the bytes and flushes them to the disk.</summary>
    Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);
}
