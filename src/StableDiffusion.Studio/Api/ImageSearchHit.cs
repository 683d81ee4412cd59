namespace StableDiffusion.Studio.Api;

/// <param name="Score">Cosine similarity with the query text or image, −1…1; higher is closer.</param>
/// <param name="Url">The PNG, with its A1111 <c>parameters</c> text chunk.</param>
public sealed record ImageSearchHit(Guid Id, float Score, string Prompt, long Seed, int Width, int Height, string Url, string Parameters);
