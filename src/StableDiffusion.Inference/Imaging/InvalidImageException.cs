namespace StableDiffusion.Inference.Imaging;

/// <summary>An uploaded image that was refused or could not be read; the message can be shown to the user as is.</summary>
public sealed class InvalidImageException(string message, Exception? innerException = null)
    : Exception(message, innerException);
