using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>
/// A grid to make: <see cref="Settings"/> for every cell, with <see cref="X"/>, <see cref="Y"/> and <see cref="Z"/>'s
/// values as typed (A1111's syntax, <see cref="AxisValueParser"/>). Without a seed axis every cell has the settings'
/// seed (-1 draws one for the whole grid).
/// </summary>
public sealed record ComparisonRequest(GenerationSettings Settings, AxisInput X, AxisInput? Y = null, AxisInput? Z = null, string? Title = null);

/// <summary>One axis as the user typed it.</summary>
public sealed record AxisInput(AxisKind Kind, string Values);
