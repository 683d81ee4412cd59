namespace StableDiffusion.Studio.ScaleOut;

/// <summary>The <c>Studio:Database</c> section: which engine holds the records and the queue.</summary>
public sealed class DatabaseOptions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary><c>Sqlite</c> (one process, the file in the data directory) or <c>Postgres</c> (several nodes).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>An Npgsql connection string for <c>Postgres</c>; unused for SQLite.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);
}
