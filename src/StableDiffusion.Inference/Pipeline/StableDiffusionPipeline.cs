namespace StableDiffusion.Inference.Pipeline;

/// <summary>txt2img and img2img over one loaded model, as diffusers' StableDiffusion(Img2Img)Pipeline.__call__.</summary>
public sealed class StableDiffusionPipeline(StableDiffusionModel model)
{
    /// <summary>
    /// Runs the whole pipeline. Throws <see cref="OperationCanceledException"/> within one step of
    /// cancellation, <see cref="ArgumentException"/> for settings the model cannot take.
    /// </summary>
    public GenerationResult Generate(GenerationRequest request, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException(model.Name);
}
