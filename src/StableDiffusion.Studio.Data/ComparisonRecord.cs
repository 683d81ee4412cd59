namespace StableDiffusion.Studio.Data;

/// <summary>
/// A grid of jobs sharing one base setting: columns are seeds; rows are the values of <see cref="Kind"/>'s axis
/// (one row for a plain seed grid). Each cell is a job with <see cref="JobRecord.ComparisonId"/> set.
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

    public DateTime CreatedAt { get; set; }

    public List<JobRecord> Jobs { get; set; } = [];
}
