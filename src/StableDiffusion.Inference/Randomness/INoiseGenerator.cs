namespace StableDiffusion.Inference.Randomness;

/// <summary>
/// A seeded stream of standard normal values. Each call fills the destination exactly as one
/// torch.randn call of that many values would, continuing from where the previous call stopped.
/// </summary>
public interface INoiseGenerator
{
    void Fill(Span<float> destination);
}
