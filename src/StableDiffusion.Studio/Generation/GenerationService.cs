using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Identity;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The queue as one circuit's user sees it: the singleton <see cref="JobQueue"/> bound to <see cref="CurrentUser"/>,
/// plus that user's progress subscriptions. Scoped, so each circuit gets its own.
/// </summary>
public sealed class GenerationService(JobQueue queue, JobProgressFeed feed, IImageGenerator generator, CurrentUser user)
{
    public IReadOnlyList<ModelInfo> Models => generator.Models;

    public int? CountTokens(string model, string text) => generator.CountTokens(model, text);

    public async Task<SubmitResult> SubmitAsync(JobSettings settings) => await queue.SubmitAsync(await user.GetIdAsync(), settings);

    public async Task<bool> CancelAsync(Guid jobId) => await queue.CancelAsync(await user.GetIdAsync(), jobId);

    public async Task<JobRecord?> GetAsync(Guid jobId) => await queue.GetAsync(await user.GetIdAsync(), jobId);

    public async Task<IReadOnlyList<JobRecord>> ListActiveAsync() => await queue.ListActiveAsync(await user.GetIdAsync());

    public async Task<IReadOnlyList<JobRecord>> ListRecentAsync(int count) => await queue.ListRecentAsync(await user.GetIdAsync(), count);

    public async Task<IReadOnlyDictionary<Guid, int>> PositionsAsync() => await queue.PositionsAsync(await user.GetIdAsync());

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
