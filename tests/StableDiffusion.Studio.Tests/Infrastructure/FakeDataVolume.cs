using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Tests.Infrastructure;

/// <summary>
/// Real writes by default; with <see cref="Full"/> a write leaves an empty file and fails the way a full Linux disk
/// does (ENOSPC), and <see cref="AvailableBytes"/> reports what the test sets.
/// </summary>
public sealed class FakeDataVolume : IDataVolume
{
    private const int Enospc = 28;

    public bool Full { get; set; }

    public long Available { get; set; } = long.MaxValue;

    public long AvailableBytes() => Available;

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (Full)
        {
            await File.WriteAllBytesAsync(path, [], cancellationToken);
            throw new IOException("No space left on device", Enospc);
        }

        await File.WriteAllBytesAsync(path, bytes.ToArray(), cancellationToken);
    }
}
