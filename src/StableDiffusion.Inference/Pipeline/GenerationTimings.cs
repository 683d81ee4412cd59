namespace StableDiffusion.Inference.Pipeline;

/// <summary>Milliseconds spent in each stage of one pipeline run (model loading excluded).</summary>
/// <param name="UnetPerStep">UNet milliseconds per denoising step of a batch (one step advances every image of the batch).</param>
public sealed record GenerationTimings(double Tokenize, double TextEncoder, double UnetTotal, double UnetPerStep, double VaeDecode, double Total)
{
    /// <summary>ONNX Runtime calls made to the UNet: one per step per batch, more when the UNet's batch axis is fixed at 1.</summary>
    public int UnetCalls { get; init; }

    /// <summary>Images the run made.</summary>
    public int Images { get; init; }

    /// <summary>UNet milliseconds per image: what batching saves.</summary>
    public double UnetPerImage => Images == 0 ? 0 : UnetTotal / Images;
}
