namespace StableDiffusion.Studio.Generation;

/// <summary>Tells a run that ran out of memory (GPU or host) from other failures: it deserves its own advice and a fresh session.</summary>
public static class OutOfMemory
{
    /// <summary>The reason a job that ran out of memory ends with.</summary>
    public const string Error = "The model ran out of memory. Try a smaller size or fewer images per batch; the model is reloaded for the next job.";

    // ONNX Runtime reports it as an OnnxRuntimeException with the allocator's words in the message: the BFC arena's
    // "Failed to allocate memory for requested buffer", CUDA's "out of memory", cuDNN's and cuBLAS's ALLOC_FAILED,
    // and a C++ std::bad_alloc ("bad allocation" on Windows).
    private static readonly string[] Signs =
        ["Failed to allocate memory", "out of memory", "STATUS_ALLOC_FAILED", "bad_alloc", "bad allocation"];

    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        OutOfMemoryException => true,
        _ when Signs.Any(sign => exception.Message.Contains(sign, StringComparison.OrdinalIgnoreCase)) => true,
        _ => Is(exception.InnerException),
    };
}
