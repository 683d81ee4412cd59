namespace StableDiffusion.Studio.Data;

/// <summary>
/// A worker process as it last reported itself. Its lease is renewed with its jobs' leases; a row whose lease has
/// passed is a worker that stopped without saying so (killed, or cut off from the database).
/// </summary>
public sealed class WorkerRecord
{
    /// <summary>Host name and process id, or <c>Studio:WorkerName</c>.</summary>
    public required string Id { get; set; }

    public string ExecutionProvider { get; set; } = "";

    public string Model { get; set; } = "";

    public DateTime StartedAt { get; set; }

    public DateTime LeaseExpiresAt { get; set; }

    /// <summary>Set when the worker stopped gracefully.</summary>
    public DateTime? StoppedAt { get; set; }
}
