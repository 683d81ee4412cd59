using StableDiffusion.Inference.Inpainting;

namespace StableDiffusion.Studio.Generation;

/// <summary>The studio's words for <see cref="InpaintingFill"/> (the native API, the command line): A1111's, hyphenated.</summary>
public static class MaskedContents
{
    private static readonly Dictionary<InpaintingFill, string> ByFill = new()
    {
        [InpaintingFill.Fill] = "fill", [InpaintingFill.Original] = "original",
        [InpaintingFill.LatentNoise] = "latent-noise", [InpaintingFill.LatentNothing] = "latent-nothing",
    };

    public static IEnumerable<string> Names => ByFill.Values;

    public static string NameOf(InpaintingFill fill) => ByFill[fill];

    /// <summary>A name, case-insensitive, with a space or a hyphen ("latent noise" as A1111 writes it); null for any other.</summary>
    public static InpaintingFill? FromName(string name) =>
        ByFill.Where(pair => string.Equals(pair.Value, name.Trim().Replace(' ', '-'), StringComparison.OrdinalIgnoreCase))
            .Select(pair => (InpaintingFill?)pair.Key).FirstOrDefault();
}
