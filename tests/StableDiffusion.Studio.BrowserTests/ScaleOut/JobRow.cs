namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>A job as the shared database holds it, with how many image rows it has.</summary>
public sealed record JobRow(
    Guid Id,
    string OwnerId,
    string Status,
    string? WorkerId,
    int Attempts,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Error,
    int Images);
