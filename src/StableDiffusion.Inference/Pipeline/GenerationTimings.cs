namespace StableDiffusion.Inference.Pipeline;

/// <summary>Milliseconds spent in each stage of one pipeline run (model loading excluded).</summary>
public sealed record GenerationTimings(double Tokenize, double TextEncoder, double UnetTotal, double UnetPerStep, double VaeDecode, double Total);
