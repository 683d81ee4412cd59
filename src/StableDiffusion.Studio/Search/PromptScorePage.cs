using StableDiffusion.Studio.Library;

namespace StableDiffusion.Studio.Search;

/// <summary>
/// One page of images in order of their CLIP score, with the scores of those that have one; <see cref="NotIndexed"/>
/// counts the matching images still waiting for a vector.
/// </summary>
public sealed record PromptScorePage(ImagePage Images, IReadOnlyDictionary<Guid, float> Scores, int NotIndexed);
