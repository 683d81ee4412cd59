using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>Each user's own defaults for steps, sampler, size and CFG scale, kept per owner.</summary>
public interface IUserDefaults
{
    /// <summary>The user's saved defaults, or the default model's recommended values when they saved none.</summary>
    Task<UserDefaults> GetAsync(string ownerId, CancellationToken cancellationToken = default);

    /// <summary>Saves valid defaults; otherwise saves nothing and returns why, keyed by setting.</summary>
    Task<IReadOnlyDictionary<Setting, string>> SaveAsync(string ownerId, UserDefaults defaults, CancellationToken cancellationToken = default);

    /// <summary>Forgets the user's defaults: new prompts start from the model's again.</summary>
    Task ResetAsync(string ownerId, CancellationToken cancellationToken = default);

    /// <summary>The settings with the user's saved defaults in place; unchanged when they saved none.</summary>
    Task<GenerationSettings> ApplyAsync(string ownerId, GenerationSettings settings, CancellationToken cancellationToken = default);
}
