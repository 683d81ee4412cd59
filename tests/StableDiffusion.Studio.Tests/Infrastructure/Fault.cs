namespace StableDiffusion.Studio.Tests.Infrastructure;

/// <summary>What goes wrong, at which step (1-based); <paramref name="Message"/> is a failure's exception message.</summary>
public sealed record Fault(FaultKind Kind, int AtStep = 1, string? Message = null);
