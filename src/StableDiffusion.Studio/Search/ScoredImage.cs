using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Search;

/// <summary>An image and its cosine similarity with what was searched for.</summary>
public sealed record ScoredImage(ImageRecord Image, float Score);
