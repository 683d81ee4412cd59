namespace StableDiffusion.Studio.Data;

/// <summary>The settings one user wants a new prompt to start from, instead of the model's recommended ones.</summary>
public sealed class UserDefaultsRecord
{
    public required string OwnerId { get; set; }

    public int Steps { get; set; }

    public double GuidanceScale { get; set; }

    /// <summary>A scheduler id (e.g. dpmpp-2m-karras), not the A1111 display name.</summary>
    public required string Scheduler { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public DateTime UpdatedAt { get; set; }
}
