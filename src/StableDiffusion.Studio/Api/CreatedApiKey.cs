using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Api;

/// <summary>A new key: the only moment the key itself exists outside the client.</summary>
public sealed record CreatedApiKey(ApiKeyRecord Record, string Key);
