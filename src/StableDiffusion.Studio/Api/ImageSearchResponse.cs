namespace StableDiffusion.Studio.Api;

/// <summary>
/// A page of your images ranked by similarity, best first. <see cref="Total"/> counts the images searched (those with a
/// vector); <see cref="NotIndexed"/> those still waiting for one, which the back-fill adds soon.
/// </summary>
public sealed record ImageSearchResponse(IReadOnlyList<ImageSearchHit> Items, int Page, int PageSize, int Total, int NotIndexed);
