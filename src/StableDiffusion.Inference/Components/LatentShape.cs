namespace StableDiffusion.Inference.Components;

/// <summary>One latent's [channels, height, width]: the image's size divided by the VAE's scale factor.</summary>
public readonly record struct LatentShape(int Channels, int Height, int Width)
{
    public int Length => Channels * Height * Width;
}
