namespace StableDiffusion.Studio.Components.Gallery;

/// <summary>One image the lightbox can show: its file, what made it, and its size for whole-pixel scaling.</summary>
public sealed record LightboxItem(Guid ImageId, string Prompt, long Seed, int Width, int Height);
