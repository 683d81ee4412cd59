namespace StableDiffusion.Studio.Tests.Infrastructure;

public enum FaultKind
{
    Fail,
    OutOfMemory,
    Hang,
}
