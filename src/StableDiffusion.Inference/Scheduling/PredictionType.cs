namespace StableDiffusion.Inference.Scheduling;

/// <summary>What the UNet predicts (diffusers' <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary>The added noise ε (SD 1.x, SD 2.x-base).</summary>
    Epsilon,

    /// <summary>v = √ᾱ·ε − √(1−ᾱ)·x₀ (SD 2.x at 768 px).</summary>
    VPrediction,

    /// <summary>The clean sample x₀ itself.</summary>
    Sample,
}
