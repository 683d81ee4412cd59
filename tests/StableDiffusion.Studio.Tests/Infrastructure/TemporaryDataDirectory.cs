namespace StableDiffusion.Studio.Tests.Infrastructure;

/// <summary>
/// A data directory that outlives one <see cref="StudioFactory"/> (a restart on the same data) and is deleted when the
/// test ends, passed or failed: declare it with <c>using</c> before the factories so it is disposed after them.
/// </summary>
public sealed class TemporaryDataDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        // SQLite's pool keeps the database open after the factory is gone.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS later.
        }
    }
}
