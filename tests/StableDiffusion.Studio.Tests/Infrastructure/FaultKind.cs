namespace StableDiffusion.Studio.Tests.Infrastructure;

public enum FaultKind
{
    Fail,
    OutOfMemory,
    Hang,

    /// <summary>A step stuck where cancellation cannot reach it (inside a native call), until the test lets it go.</summary>
    Stuck,
}
