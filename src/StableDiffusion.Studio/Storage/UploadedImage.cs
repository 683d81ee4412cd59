namespace StableDiffusion.Studio.Storage;

/// <param name="Png">The upload decoded and re-encoded as PNG, so stray chunks and polyglot tails are not kept.</param>
/// <param name="Parameters">The A1111 <c>parameters</c> text found in the file, if any.</param>
public sealed record UploadedImage(byte[] Png, int Width, int Height, string? Parameters);
