using StableDiffusion.Studio.Data;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>A grid to generate: <see cref="Seeds"/> are the columns; <see cref="AxisValues"/> the rows of an X/Y grid.</summary>
public sealed record ComparisonRequest(GenerationSettings Settings, IReadOnlyList<long> Seeds, ComparisonKind Kind, IReadOnlyList<string> AxisValues, string? Title = null);
