namespace StableDiffusion.Inference.Prompting;

/// <summary>A prompt the attention parser cannot read, such as <c>(cat:1.2.3)</c>; its message says where.</summary>
public sealed class PromptSyntaxException(string message) : ArgumentException(message);
