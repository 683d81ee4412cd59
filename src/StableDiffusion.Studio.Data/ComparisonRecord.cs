namespace StableDiffusion.Studio.Data;

/// <summary>
/// A grid of jobs sharing one base setting. Each cell is a job with <see cref="JobRecord.ComparisonId"/> set. A
/// comparison of <see cref="ComparisonKind.Axes"/> keeps its X, Y and Z axes in <see cref="Axes"/>; older ones have
/// seeds as columns and the values of <see cref="Kind"/>'s axis as rows.
/// </summary>
public sealed class ComparisonRecord
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public required string Title { get; set; }

    public ComparisonKind Kind { get; set; }

    /// <summary>Seeds of the columns, comma separated.</summary>
    public required string Seeds { get; set; }

    /// <summary>Row values as the user typed them (CFG scales, step counts or scheduler ids), comma separated; empty for a seed grid.</summary>
    public string AxisValues { get; set; } = "";

    /// <summary>The X, Y and optional Z axes as JSON, for a comparison of <see cref="ComparisonKind.Axes"/>; null before axes existed.</summary>
    public string? Axes { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<JobRecord> Jobs { get; set; } = [];
}
