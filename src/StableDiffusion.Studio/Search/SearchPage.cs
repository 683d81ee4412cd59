namespace StableDiffusion.Studio.Search;

/// <summary>
/// One page of images ranked by similarity, best first. <see cref="Total"/> counts the ranked images (those with a
/// vector); <see cref="NotIndexed"/> the owner's images still waiting for one.
/// </summary>
public sealed record SearchPage(IReadOnlyList<ScoredImage> Items, int Total, int NotIndexed);
