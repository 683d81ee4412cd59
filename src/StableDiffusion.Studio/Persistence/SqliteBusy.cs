using Microsoft.Data.Sqlite;

namespace StableDiffusion.Studio.Persistence;

/// <summary>Tells a write refused because another connection holds the lock (SQLITE_BUSY, SQLITE_LOCKED), however EF wrapped it.</summary>
public static class SqliteBusy
{
    private const int Busy = 5;
    private const int Locked = 6;

    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        SqliteException { SqliteErrorCode: Busy or Locked } => true,
        _ => Is(exception.InnerException),
    };
}
