namespace StableDiffusion.Studio.Data;

/// <summary>
/// The A1111 "options" one user's programs set. A1111 keeps them for the whole server (a client switching the
/// model switches it for everyone); here each user has their own.
/// </summary>
public sealed class ApiOptionsRecord
{
    public required string OwnerId { get; set; }

    /// <summary>The model name <c>sd_model_checkpoint</c> was set to; null for the studio's default.</summary>
    public string? Model { get; set; }

    /// <summary>The standalone VAE <c>sd_vae</c> was set to; null for "Automatic" (the model's own).</summary>
    public string? Vae { get; set; }

    /// <summary>A1111's <c>randn_source</c> as the user set it ("CPU", "GPU" or "NV"); null for the studio's default, CPU.</summary>
    public string? RandnSource { get; set; }

    public DateTime UpdatedAt { get; set; }
}
