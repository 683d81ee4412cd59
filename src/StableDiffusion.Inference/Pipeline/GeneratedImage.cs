namespace StableDiffusion.Inference.Pipeline;

/// <param name="Png">The encoded PNG, with <paramref name="Parameters"/> in its tEXt <c>parameters</c> chunk.</param>
/// <param name="Parameters">A1111 infotext of this image.</param>
public sealed record GeneratedImage(long Seed, byte[] Png, string Parameters);
