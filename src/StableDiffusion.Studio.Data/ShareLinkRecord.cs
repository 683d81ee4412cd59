namespace StableDiffusion.Studio.Data;

/// <summary>
/// A public, revocable link to one image or one comparison. Only the SHA-256 of the token is stored, so a leaked
/// database does not give live links (W3C TAG, "Good Practices for Capability URLs").
/// </summary>
public sealed class ShareLinkRecord
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    /// <summary>Lower-case hex SHA-256 of the base64url token.</summary>
    public required string TokenHash { get; set; }

    public Guid? ImageId { get; set; }

    public ImageRecord? Image { get; set; }

    public Guid? ComparisonId { get; set; }

    public ComparisonRecord? Comparison { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
