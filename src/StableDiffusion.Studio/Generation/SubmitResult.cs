using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Generation;

/// <summary>The jobs created, or why nothing was: messages keyed by the field's label ("" for the request as a whole).</summary>
public sealed record SubmitResult(IReadOnlyList<JobRecord> Jobs, IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public JobRecord? Job => Jobs.Count > 0 ? Jobs[0] : null;

    public static SubmitResult Failed(IReadOnlyDictionary<string, string> errors) => new([], errors);

    public static SubmitResult Failed(string field, string message) => new([], new Dictionary<string, string> { [field] = message });
}
