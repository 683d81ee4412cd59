namespace StableDiffusion.Inference.Pipeline;

/// <summary>A folder that is not a usable model; the message names the missing or mismatched part.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
