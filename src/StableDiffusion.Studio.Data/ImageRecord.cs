namespace StableDiffusion.Studio.Data;

/// <summary>One generated PNG. The file lives under the data directory; only its relative path is stored.</summary>
public sealed class ImageRecord
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public JobRecord? Job { get; set; }

    public required string OwnerId { get; set; }

    /// <summary>Position in the job's batch.</summary>
    public int Index { get; set; }

    public long Seed { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Relative to the data directory, with forward slashes; made by the server, never by the user.</summary>
    public required string FilePath { get; set; }

    /// <summary>The A1111 infotext written into the PNG's parameters chunk.</summary>
    public required string Parameters { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<ShareLinkRecord> ShareLinks { get; set; } = [];
}
