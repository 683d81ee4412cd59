using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// Makes, lists and revokes a user's API keys, and finds the user a presented key belongs to. Keys are 256 random
/// bits; only their SHA-256 is stored, so a copied database holds no usable key.
/// </summary>
public sealed partial class ApiKeyService(
    IDbContextFactory<StudioDbContext> contexts,
    DatabaseWriter writer,
    IOptionsMonitor<ApiOptions> options,
    IOptions<StudioOptions> studio,
    ILogger<ApiKeyService> logger)
{
    public const string KeyPrefix = "sds_";
    public const int MaxNameLength = 100;

    public async Task<CreatedApiKey> CreateAsync(string ownerId, string name, CancellationToken cancellationToken = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"A key needs a name of 1 to {MaxNameLength} characters.", nameof(name));
        }

        var key = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord
        {
            Id = Guid.CreateVersion7(),
            OwnerId = ownerId,
            Name = trimmed,
            KeyHash = Hash(key),
            Prefix = key[..(KeyPrefix.Length + 6)],
            CreatedAt = DateTime.UtcNow,
        };
        await writer.WriteAsync(async db =>
        {
            db.Set<ApiKeyRecord>().Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        LogCreated(record.Id, ownerId);
        return new CreatedApiKey(record, key);
    }

    /// <summary>The owner's keys, revoked ones too, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<ApiKeyRecord>().AsNoTracking()
            .Where(k => k.OwnerId == ownerId)
            .OrderByDescending(k => k.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Revokes at once: the next request with the key gets 401. False when the key is not the owner's or already revoked.</summary>
    public async Task<bool> RevokeAsync(string ownerId, Guid keyId, CancellationToken cancellationToken = default)
    {
        var revoked = await writer.WriteAsync(db => db.Set<ApiKeyRecord>()
            .Where(k => k.Id == keyId && k.OwnerId == ownerId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow), cancellationToken), cancellationToken) == 1;
        if (revoked)
        {
            LogRevoked(keyId, ownerId);
        }

        return revoked;
    }

    /// <summary>The user id a key acts as, or null for an unknown or revoked key.</summary>
    public async Task<string?> FindOwnerAsync(string key, CancellationToken cancellationToken = default)
    {
        if (key.Length is 0 or > 512)
        {
            return null;
        }

        var hash = Hash(key);
        var presented = Encoding.ASCII.GetBytes(hash);
        foreach (var configured in options.CurrentValue.Keys)
        {
            // Compared as hashes in constant time, so the response time tells nothing about a configured key.
            if (configured.Key.Length > 0 && CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(Hash(configured.Key))))
            {
                return configured.User;
            }
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var owner = await db.Set<ApiKeyRecord>().AsNoTracking()
            .Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.OwnerId, Disabled = db.Users.Where(u => u.Id == k.OwnerId).Select(u => (bool?)u.IsDisabled).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        // A disabled account's keys stop with it; an anonymous browser's keys only work while anonymous use is allowed.
        return owner switch
        {
            null or { Disabled: true } => null,
            { Disabled: null } when studio.Value.RequireSignIn => null,
            _ => owner.OwnerId,
        };
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "API key {KeyId} created by {OwnerId}")]
    private partial void LogCreated(Guid keyId, string ownerId);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "API key {KeyId} of {OwnerId} revoked")]
    private partial void LogRevoked(Guid keyId, string ownerId);
}
