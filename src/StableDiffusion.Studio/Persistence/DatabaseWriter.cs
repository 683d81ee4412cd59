using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Persistence;

/// <summary>
/// SQLite takes one writer at a time and EF Core still reports "database is locked" under concurrent writers
/// (efcore#29514, #36295, where the maintainers suggest a SemaphoreSlim): every write goes through this gate,
/// each on its own short-lived context.
/// </summary>
public sealed class DatabaseWriter(IDbContextFactory<StudioDbContext> contexts)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<T> WriteAsync<T>(Func<StudioDbContext, Task<T>> write, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await write(db);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task WriteAsync(Func<StudioDbContext, Task> write, CancellationToken cancellationToken = default) =>
        WriteAsync(async db =>
        {
            await write(db);
            return true;
        }, cancellationToken);
}
