using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>One decoded image of a batch and the seed that made it; <see cref="GeneratedPng"/> turns it into a file.</summary>
public sealed record GeneratedImage(long Seed, RgbImage Image);
