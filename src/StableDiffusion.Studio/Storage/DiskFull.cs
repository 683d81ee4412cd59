using Microsoft.Data.Sqlite;

namespace StableDiffusion.Studio.Storage;

/// <summary>Tells a failure for lack of space, on a file or in the database, from other I/O errors.</summary>
public static class DiskFull
{
    /// <summary>The reason a job that ran out of space ends with; the A1111 API answers it with 507.</summary>
    public const string Error = "The server ran out of disk space.";

    // .NET on Unix puts the errno in HResult (ENOSPC is 28 on Linux and macOS); Windows reports ERROR_DISK_FULL
    // (0x70) or ERROR_HANDLE_DISK_FULL (0x27) as HRESULTs. SQLite says SQLITE_FULL (13).
    private const int Enospc = 28;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int SqliteFull = 13;

    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        IOException { HResult: Enospc or WindowsDiskFull or WindowsHandleDiskFull } => true,
        SqliteException { SqliteErrorCode: SqliteFull } => true,
        _ => Is(exception.InnerException),
    };
}
