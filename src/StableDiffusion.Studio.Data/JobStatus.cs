namespace StableDiffusion.Studio.Data;

/// <summary>Queued → Running → Succeeded | Failed | Cancelled. Stored as text so the database reads plainly.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
