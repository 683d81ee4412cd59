namespace StableDiffusion.Inference.Pipeline;

/// <summary>Milliseconds spent in each stage of one pipeline run (model loading excluded).</summary>
/// <param name="UnetPerStep">UNet milliseconds per denoising step of a batch (one step advances every image of the batch).</param>
public sealed record GenerationTimings(double Tokenize, double TextEncoder, double UnetTotal, double UnetPerStep, double VaeDecode, double Total)
{
    /// <summary>ONNX Runtime calls made to the UNet: one per step per batch, more when the UNet's batch axis is fixed at 1.</summary>
    public int UnetCalls { get; init; }

    /// <summary>
    /// UNet evaluations over the run: one per image per step that ran the UNet for it, whether on both halves of guidance
    /// (the CFG pair counts once) or on the prompt alone; Speed: Fast skips some.
    /// </summary>
    public int UnetEvaluations { get; init; }

    /// <summary>UNet evaluations per image (<see cref="UnetEvaluations"/> ÷ <see cref="Images"/>): the steps at Speed: Exact.</summary>
    public double UnetEvaluationsPerImage => Images == 0 ? 0 : (double)UnetEvaluations / Images;

    /// <summary>Images the run made.</summary>
    public int Images { get; init; }

    /// <summary>UNet milliseconds per image: what batching saves.</summary>
    public double UnetPerImage => Images == 0 ? 0 : UnetTotal / Images;
}
