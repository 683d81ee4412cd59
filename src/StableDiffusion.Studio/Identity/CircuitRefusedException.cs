namespace StableDiffusion.Studio.Identity;

/// <summary>Ends a circuit over the per-user limit once it has shown why: an unhandled exception is how Blazor closes one.</summary>
public sealed class CircuitRefusedException(int limit)
    : Exception($"This user already has {limit} circuits open; the new one was closed.");
