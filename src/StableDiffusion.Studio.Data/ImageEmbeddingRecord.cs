namespace StableDiffusion.Studio.Data;

/// <summary>
/// An image's CLIP vector: unit length, float32 little-endian, of the CLIP model named by <see cref="ModelId"/>. A vector
/// of another model is stale: search skips it and the embedder replaces it.
/// </summary>
public sealed class ImageEmbeddingRecord
{
    public Guid ImageId { get; set; }

    public ImageRecord? Image { get; set; }

    /// <summary>The image's owner, repeated so that a search reads one user's vectors without a join.</summary>
    public required string OwnerId { get; set; }

    /// <summary>The CLIP folder's name and the start of its graphs' hash, e.g. <c>tiny-shapes-clip:0123456789</c>.</summary>
    public required string ModelId { get; set; }

    public required byte[] Vector { get; set; }

    /// <summary>CLIP score: the cosine similarity of the image with its own prompt (null when it has none).</summary>
    public float? PromptScore { get; set; }

    public DateTime CreatedAt { get; set; }
}
