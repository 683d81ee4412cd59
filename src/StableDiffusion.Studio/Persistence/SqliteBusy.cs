using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Persistence;

/// <summary>Tells a write refused because another connection holds the lock (SQLITE_BUSY, SQLITE_LOCKED), however EF wrapped it.</summary>
public static class SqliteBusy
{
    private const int Busy = 5;
    private const int Locked = 6;

    /// <summary>
    /// Makes this context wait at most <paramref name="seconds"/> for another connection's lock instead of SQLite's
    /// 30 s. Both timeouts are needed: EF's commands take the command timeout, while the BEGIN of a multi-statement
    /// SaveChanges runs on the connection's default timeout.
    /// </summary>
    public static void LimitWait(StudioDbContext db, int seconds)
    {
        // PostgreSQL has row locks and its own timeouts; only SQLite's one writer lock needs this.
        if (db.Database.GetDbConnection() is SqliteConnection connection)
        {
            db.Database.SetCommandTimeout(TimeSpan.FromSeconds(seconds));
            connection.DefaultTimeout = seconds;
        }
    }

    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        SqliteException { SqliteErrorCode: Busy or Locked } => true,
        _ => Is(exception.InnerException),
    };
}
