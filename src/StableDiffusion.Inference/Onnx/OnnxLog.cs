using Microsoft.Extensions.Logging;

namespace StableDiffusion.Inference.Onnx;

internal static partial class OnnxLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "ONNX Runtime execution provider {Provider}: {Reason}")]
    public static partial void ProviderChosen(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Loaded {Component} in {Milliseconds} ms")]
    public static partial void ComponentLoaded(ILogger logger, string component, long milliseconds);
}
