using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.ScaleOut;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The queue as one circuit's user sees it: the shared submission, claims and queries bound to
/// <see cref="CurrentUser"/>, plus that user's progress subscriptions. Scoped, so each circuit gets its own.
/// </summary>
public sealed class GenerationService(
    IJobSubmission submission,
    IJobClaims claims,
    IJobQueries queries,
    JobRetry retry,
    JobProgressFeed feed,
    IImageGenerator generator,
    QueueOverview overview,
    CurrentUser user)
{
    /// <summary>Whether this user may see every running job and the workers (<c>Studio:Administrators</c>).</summary>
    public async Task<bool> IsAdministratorAsync() => overview.IsAdministrator(await user.GetIdAsync());

    public IReadOnlyList<ModelInfo> Models => generator.Models;

    /// <summary>A new prompt's settings on the first available model, with that model's recommended values.</summary>
    public GenerationSettings NewSettings() =>
        Models.FirstOrDefault(m => m.IsAvailable) is { } model ? GenerationSettings.ForModel(model.Name, model.Defaults) : new GenerationSettings();

    public int? CountTokens(string model, string text, EmphasisMode emphasis) => generator.CountTokens(model, text, emphasis);

    public async Task<SubmitOutcome> SubmitAsync(GenerationSettings settings) => await submission.SubmitAsync(await user.GetIdAsync(), settings);

    /// <summary>The job queued again, or null when it is not this user's or did not fail or get cancelled.</summary>
    public async Task<SubmitOutcome?> RetryAsync(Guid jobId) =>
        await GetAsync(jobId) is { } job && JobRetry.CanRetry(job) ? await retry.RetryAsync(job) : null;

    public async Task<bool> CancelAsync(Guid jobId) => await claims.CancelAsync(await user.GetIdAsync(), jobId);

    /// <summary>Ends the running job's current batch early; false when it is not this user's or not running.</summary>
    public async Task<bool> SkipAsync(Guid jobId) => await claims.SkipAsync(await user.GetIdAsync(), jobId);

    public async Task<JobRecord?> GetAsync(Guid jobId) => await queries.GetAsync(await user.GetIdAsync(), jobId);

    public async Task<IReadOnlyList<JobRecord>> ListActiveAsync() => await queries.ListActiveAsync(await user.GetIdAsync());

    public async Task<IReadOnlyList<JobRecord>> ListRecentAsync(int count) => await queries.ListRecentAsync(await user.GetIdAsync(), count);

    public async Task<IReadOnlyDictionary<Guid, int>> PositionsAsync() => await queries.PositionsAsync(await user.GetIdAsync());

    public JobUpdate? Latest(Guid jobId) => feed.Latest(jobId);

    /// <summary>Every update of this user's jobs, plus a call whenever the queue moved; dispose to stop.</summary>
    public async Task<IDisposable> SubscribeAsync(Action<JobUpdate> onUpdate, Action onQueueChanged)
    {
        var subscription = feed.SubscribeOwner(await user.GetIdAsync(), onUpdate);
        feed.QueueChanged += onQueueChanged;
        return new Unsubscriber(() =>
        {
            feed.QueueChanged -= onQueueChanged;
            subscription.Dispose();
        });
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
