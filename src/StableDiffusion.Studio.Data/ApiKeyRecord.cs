namespace StableDiffusion.Studio.Data;

/// <summary>
/// A key a program uses to act as one user. Only the SHA-256 of the key is stored; the key itself is shown once,
/// when it is made. Revoking keeps the row, so the list can say when.
/// </summary>
public sealed class ApiKeyRecord
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    /// <summary>What the user called it ("Open WebUI on the laptop").</summary>
    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string KeyHash { get; set; }

    /// <summary>The key's first characters, so a user can tell keys apart without the key itself.</summary>
    public required string Prefix { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
