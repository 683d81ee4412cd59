namespace StableDiffusion.Studio.Api;

/// <summary>One of your jobs as it stands.</summary>
/// <param name="Status">queued, running, succeeded, failed or cancelled.</param>
/// <param name="Progress">0…1 over the whole batch.</param>
/// <param name="QueuePosition">1 = runs next; null unless queued.</param>
/// <param name="EtaSeconds">Estimated seconds left while running.</param>
public sealed record GenerationResponse(
    Guid Id,
    string Status,
    double Progress,
    int Step,
    int TotalSteps,
    int ImageIndex,
    int? QueuePosition,
    double? EtaSeconds,
    string? Error,
    string? Warnings,
    SettingsResponse Settings,
    IReadOnlyList<GeneratedImageResponse> Images,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string Url);
