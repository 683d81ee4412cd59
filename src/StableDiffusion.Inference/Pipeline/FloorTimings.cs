namespace StableDiffusion.Inference.Pipeline;

/// <summary>Milliseconds of one <see cref="OnnxFloor.Run"/>: each component's calls and their sum.</summary>
public sealed record FloorTimings(double TextEncoder, double Unet, double VaeDecode, double Total)
{
    /// <summary>UNet calls made: steps × calls per step × batches, as the pipeline's <see cref="GenerationTimings.UnetCalls"/>.</summary>
    public int UnetCalls { get; init; }
}
