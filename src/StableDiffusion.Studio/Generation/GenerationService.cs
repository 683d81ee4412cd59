using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Sharing;

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
    QueueEstimates estimates,
    IUserDefaults defaults,
    ShareLinkService shares,
    NavigationManager navigation,
    IImageGenerator generator,
    StudioAdministrators administrators,
    CurrentUser user)
{
    /// <summary>Whether this user may see every running job and the workers (<see cref="StudioAdministrators"/>).</summary>
    public async Task<bool> IsAdministratorAsync() => await administrators.IsAdministratorAsync(await user.GetIdAsync());

    public IReadOnlyList<ModelInfo> Models => generator.Models;

    /// <summary>A new prompt's settings on the first available model, with that model's recommended values.</summary>
    public GenerationSettings NewSettings() =>
        Models.FirstOrDefault(m => m.IsAvailable) is { } model ? GenerationSettings.ForModel(model.Name, model.Defaults) : new GenerationSettings();

    /// <summary>
    /// The settings a new prompt starts from: a share link's when the page was opened from one ("Open in the studio",
    /// <c>?share=TOKEN</c>), else <see cref="NewSettings"/> with this user's own defaults (Settings page) in place of the model's.
    /// </summary>
    public async Task<GenerationSettings> NewSettingsAsync()
    {
        if (ShareTokenInUrl() is { } token && await shares.OpenAsync(token) is { } link
            && (link.Image?.Job ?? link.Comparison?.Jobs.OrderBy(j => j.CellRow).ThenBy(j => j.CellColumn).FirstOrDefault()) is { } job)
        {
            var shared = JobRecords.Settings(job).ForImage(link.Image?.Index ?? 0);
            // The init image of an img2img job stays with its owner.
            return shared with { InitImage = null, Model = Models.Any(m => m.IsAvailable && m.Name == shared.Model) ? shared.Model : NewSettings().Model };
        }

        return await defaults.ApplyAsync(await user.GetIdAsync(), NewSettings());
    }

    private string? ShareTokenInUrl()
    {
        try
        {
            return QueryHelpers.ParseQuery(new Uri(navigation.Uri).Query).TryGetValue("share", out var token) ? token.ToString() : null;
        }
        catch (InvalidOperationException)
        {
            // Outside a page (a test, a background scope) there is no URL.
            return null;
        }
    }

    public int? CountTokens(string model, string text, EmphasisMode emphasis) => generator.CountTokens(model, text, emphasis);

    public async Task<SubmitOutcome> SubmitAsync(GenerationSettings settings) => await submission.SubmitAsync(await user.GetIdAsync(), settings);

    /// <summary>The job queued again, or null when it is not this user's or did not fail or get cancelled.</summary>
    public async Task<SubmitOutcome?> RetryAsync(Guid jobId) =>
        await GetAsync(jobId) is { } job && JobRetry.CanRetry(job) ? await retry.RetryAsync(job) : null;

    public async Task<bool> CancelAsync(Guid jobId) => await claims.CancelAsync(await user.GetIdAsync(), jobId);

    /// <summary>Cancels every waiting and running job of this user, waiting ones first (so none starts meanwhile); how many.</summary>
    public async Task<int> CancelAllAsync()
    {
        var ownerId = await user.GetIdAsync();
        var cancelled = 0;
        foreach (var job in (await queries.ListActiveAsync(ownerId)).OrderBy(j => j.Status == JobStatus.Running))
        {
            cancelled += await claims.CancelAsync(ownerId, job.Id) ? 1 : 0;
        }

        return cancelled;
    }

    /// <summary>Queue length, jobs ahead of each of this user's and their time left.</summary>
    public async Task<QueueOverview> OverviewAsync() => await estimates.OverviewAsync(await user.GetIdAsync());

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
