using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The studio's one door to the inference library: the models it can offer and the pipeline run itself.
/// The worker is its only caller for <see cref="Generate"/>, so implementations need not be reentrant per model.
/// </summary>
public interface IImageGenerator
{
    /// <summary>Every model folder found, loadable or not. Reading it loads no model.</summary>
    IReadOnlyList<ModelInfo> Models { get; }

    /// <summary>Loads the default model so the execution provider is known before the first job; called once at start-up.</summary>
    void LoadDefaultModel();

    /// <summary>The hash A1111 shows and selects a model by, computed once per folder; null for an unknown model.</summary>
    ModelHash? HashOf(string model);

    /// <summary>
    /// The N of A1111's "N/75" counter for the prompt on <paramref name="model"/> (chunks closed early by BREAK or a comma
    /// count 75), or null when the model is not available or the prompt cannot be parsed.
    /// </summary>
    int? CountTokens(string model, string text, EmphasisMode emphasis);

    /// <summary>Runs <paramref name="settings"/> on the model it names.</summary>
    /// <param name="skip">Ends the current batch early and goes on with the next (A1111's Skip).</param>
    GenerationResult Generate(GenerationSettings settings, IProgress<StepProgress>? progress, CancellationToken cancellationToken, SkipSignal? skip = null);

    /// <summary>
    /// Runs several jobs of one <see cref="SharedBatchKey"/> as one shared batch, each with its own progress, cancellation
    /// and skip, and says how each ended. A generator that cannot share a batch runs them one after another.
    /// </summary>
    IReadOnlyList<GenerationOutcome> GenerateTogether(IReadOnlyList<GenerationRequest> requests) =>
        [.. requests.Select(request =>
        {
            try
            {
                return GenerationOutcome.Succeeded(Generate(request.Settings, request.Progress, request.CancellationToken, request.Skip));
            }
            catch (Exception error)
            {
                return GenerationOutcome.Failed(error);
            }
        })];

    /// <summary>
    /// Drops <paramref name="model"/>'s sessions so that its next job loads it afresh. The worker calls it after the
    /// model ran out of memory: the sessions' memory arenas keep what they grew to, and a new session starts clean.
    /// </summary>
    void Reset(string model);
}
