namespace StableDiffusion.Studio.Api;

/// <param name="Url">The PNG, with its A1111 <c>parameters</c> text chunk.</param>
/// <param name="Parameters">The same A1111 infotext as in the PNG.</param>
public sealed record GeneratedImageResponse(Guid Id, int Index, long Seed, int Width, int Height, string Url, string Parameters);
