using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Api;

/// <summary>A model as A1111 clients know one: its title is "name [hash10]", as A1111's checkpoint list writes it.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the UNet weights; null when the file cannot be read.</param>
public sealed record ApiModel(ModelInfo Info, string? Sha256)
{
    public string Name => Info.Name;

    /// <summary>The first 10 hex digits of <see cref="Sha256"/>, A1111's "Model hash".</summary>
    public string? Hash => Sha256?[..10];

    public string Title => Hash is null ? Name : $"{Name} [{Hash}]";
}
