using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Components.Gallery;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Components.Pages;

/// <summary>
/// The settings form, the user's running and waiting jobs with live progress, and the latest results. All state
/// comes from the database on load (so a reconnect rebuilds it) and from the progress feed while the circuit lives;
/// the unsent form and when the results were last cleared live in the browser (<see cref="FormStorage"/>).
/// </summary>
public sealed partial class Create : IDisposable
{
    [Inject] private GenerationService Generation { get; set; } = default!;
    [Inject] private ImageLibrary Library { get; set; } = default!;
    [Inject] private CurrentUser User { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ReconnectNotifier Reconnects { get; set; } = default!;
    [Inject] private ImageFileStore Files { get; set; } = default!;
    [Inject] private FormStorage Storage { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>
    /// How long after a queued job further Generate clicks count as the same click. A circuit runs its events one after
    /// another, each to completion, so a burst of clicks reaches <see cref="GenerateAsync"/> one at a time after the
    /// first submission has finished; the <c>submitting</c> flag alone let 20 clicks queue 11 jobs.
    /// </summary>
    private static readonly TimeSpan RepeatWindow = TimeSpan.FromSeconds(1);

    [SupplyParameterFromQuery(Name = "from")]
    public Guid? From { get; set; }

    /// <summary>With <see cref="From"/>: variations of that image rather than its settings as they were.</summary>
    [SupplyParameterFromQuery(Name = "vary")]
    public bool Vary { get; set; }

    /// <summary>With <see cref="From"/>: "img2img" or "inpaint" starts from that image as the init image.</summary>
    [SupplyParameterFromQuery(Name = "send")]
    public string? Send { get; set; }

    private GenerationSettings settings = new();
    private SubmitFeedback feedback = SubmitFeedback.None;
    private IReadOnlyList<JobRecord> active = [];
    private IReadOnlyList<JobRecord> recent = [];
    private IReadOnlyList<ResultImage> images = [];
    private IReadOnlyList<JobRecord> finished = [];
    private IReadOnlyList<LightboxItem> lightboxItems = [];
    private int? lightbox;
    private DateTime? clearedAt;

    /// <summary>Saving the form to the browser starts once what was saved before has been restored (or there was nothing).</summary>
    private bool persisting;
    private IReadOnlyDictionary<Guid, int> positions = new Dictionary<Guid, int>();
    private long? lastSeed;
    private bool loaded;
    private bool startInpainting;
    private bool submitting;
    private long repeatsUntil;
    private LiveJobs? live;
    private DotNetObjectReference<Create>? self;
    private IJSObjectReference? shortcuts;

    protected override async Task OnInitializedAsync()
    {
        settings = await Generation.NewSettingsAsync();
        if (From is { } imageId && await Library.GetAsync(await User.GetIdAsync(), imageId) is { Job: { } job } image)
        {
            ApplySettings(JobRecords.Settings(job).ForImage(image.Index));
            if (Vary)
            {
                // The image's seed keeps its composition; four random variation seeds vary its details (A1111's
                // "same composition, small variations" grid), a little unless the image already was a variation.
                var strength = settings.VariationStrength == 0 ? 0.1 : settings.VariationStrength;
                settings = settings with { VariationSeed = -1, VariationStrength = strength, BatchSize = 4, BatchCount = 1 };
            }

            if (Send is "img2img" or "inpaint")
            {
                await UseAsInitImageAsync(image, Send == "inpaint");
            }
        }

        // In the circuit (not the prerender) the browser's storage can be read before the form first shows.
        if (RendererInfo.IsInteractive)
        {
            await RestoreFromBrowserAsync();
        }

        await RefreshAsync();
        loaded = true;

        // Only a live circuit subscribes; the prerendered copy is thrown away.
        if (RendererInfo.IsInteractive)
        {
            live = await LiveJobs.StartAsync(Generation, Reconnects, InvokeAsync, RefreshAsync, StateHasChanged);
            // A job's error is already a sentence for the user ("The model ran out of memory…").
            live.Failed += update => _ = InvokeAsync(() => Snackbar.Add(update.Error ?? "A job failed.", Severity.Error));
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            self = DotNetObjectReference.Create(this);
            shortcuts = await JS.InvokeAsync<IJSObjectReference>("studio.registerShortcuts", self);
        }
    }

    /// <summary>
    /// The form as it was left in this browser (a reload, a server restart), unless the page was opened to use an
    /// image's or a share link's settings; and the time the results were last cleared.
    /// </summary>
    private async Task RestoreFromBrowserAsync()
    {
        clearedAt = await Storage.LoadClearedAtAsync();
        var opensSomethingElse = From is not null || Navigation.Uri.Contains("share=", StringComparison.Ordinal);
        if (!opensSomethingElse && await Storage.LoadAsync(FormStorage.CreateKey) is { } saved)
        {
            settings = SavedForm.Restore(saved, settings, Generation.Models);
        }

        persisting = true;
    }

    [JSInvokable]
    public Task OnGenerateShortcut() => InvokeAsync(GenerateAsync);

    [JSInvokable]
    public Task OnCancelShortcut() =>
        InvokeAsync(async () =>
        {
            if (active.FirstOrDefault(j => j.Status == JobStatus.Running) is { } running)
            {
                await CancelAsync(running.Id);
            }
        });

    /// <summary>
    /// Fills the form from an image's job or a dropped PNG's parameters. The batch size and count, init image and strength
    /// stay as they are, and so does the model when the image's model is not available here.
    /// </summary>
    internal void ApplySettings(GenerationSettings source)
    {
        var model = Generation.Models.Any(m => m.Name == source.Model && m.IsAvailable) ? source.Model : settings.Model;
        settings = source with { Model = model, BatchSize = settings.BatchSize, BatchCount = settings.BatchCount, InitImage = settings.InitImage, Strength = settings.Strength, Mask = settings.Mask };
        feedback = SubmitFeedback.None;
        StateHasChanged();
    }

    private async Task GenerateAsync()
    {
        if (submitting)
        {
            return;
        }

        // A click inside the window also extends it, so a burst longer than the window still makes one job.
        var now = Environment.TickCount64;
        if (now < repeatsUntil)
        {
            repeatsUntil = now + (long)RepeatWindow.TotalMilliseconds;
            return;
        }

        submitting = true;
        try
        {
            var outcome = await Generation.SubmitAsync(settings);
            feedback = SubmitFeedback.From(outcome);
            if (outcome is SubmitOutcome.Queued queued)
            {
                lastSeed = queued.Job.Seed;
                repeatsUntil = Environment.TickCount64 + (long)RepeatWindow.TotalMilliseconds;
                await RefreshAsync();
            }
        }
        finally
        {
            submitting = false;
        }
    }

    /// <summary>"Use settings" on a result: its settings (its own seed) in the form.</summary>
    private void UseSettings(Guid imageId)
    {
        if (images.FirstOrDefault(r => r.Image.Id == imageId) is { } result)
        {
            ApplySettings(JobRecords.Settings(result.Job).ForImage(result.Image.Index));
            Snackbar.Add($"Settings of seed {result.Image.Seed} are in the form.", Severity.Info);
        }
    }

    private async Task DeleteAsync(Guid imageId)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete image", "Delete this image? Its share links stop working. This cannot be undone.",
            yesText: "Delete", cancelText: "Keep it");
        if (confirmed == true && await Library.DeleteAsync(await User.GetIdAsync(), imageId))
        {
            Snackbar.Add("Image deleted.", Severity.Success);
            await RefreshAsync();
        }
    }

    /// <summary>Empties the list here (the images stay in the Gallery); remembered in this browser.</summary>
    private async Task ClearAsync()
    {
        clearedAt = DateTime.UtcNow;
        await Storage.SaveClearedAtAsync(clearedAt.Value);
        await RefreshAsync();
    }

    /// <summary>"Send to img2img" / "Send to inpaint" from a result: its settings, and the image itself as the init image.</summary>
    private async Task SendAsync((Guid ImageId, bool Inpaint) send)
    {
        if (await Library.GetAsync(await User.GetIdAsync(), send.ImageId) is not { Job: { } job } image)
        {
            Snackbar.Add("That image is gone.", Severity.Info);
            return;
        }

        ApplySettings(JobRecords.Settings(job).ForImage(image.Index));
        await UseAsInitImageAsync(image, send.Inpaint);
    }

    /// <summary>The image's file as the init image, at the image's size (A1111's "Send to img2img" / "Send to inpaint").</summary>
    private async Task UseAsInitImageAsync(ImageRecord image, bool inpaint)
    {
        if (Files.Find(image.FilePath) is null)
        {
            Snackbar.Add("That image's file is missing.", Severity.Warning);
            return;
        }

        var png = await Files.ReadAsync(image.FilePath);
        var (width, height, _) = SafeImageDecoder.Identify(png);
        settings = settings with { InitImage = png, Mask = null, Width = width, Height = height };
        startInpainting = inpaint;
        StateHasChanged();
    }

    private async Task RetryAsync(Guid jobId)
    {
        var outcome = await Generation.RetryAsync(jobId);
        if (outcome is null)
        {
            Snackbar.Add("That job can no longer be retried.", Severity.Info);
            return;
        }

        feedback = SubmitFeedback.From(outcome);
        if (outcome is SubmitOutcome.Queued)
        {
            Snackbar.Add("Queued again with the same settings and seed.", Severity.Success);
        }

        await RefreshAsync();
    }

    private async Task CancelAsync(Guid jobId)
    {
        if (!await Generation.CancelAsync(jobId))
        {
            Snackbar.Add("That job has already finished.", Severity.Info);
        }

        await RefreshAsync();
    }

    private async Task SkipAsync(Guid jobId)
    {
        if (!await Generation.SkipAsync(jobId))
        {
            Snackbar.Add("That job is no longer running.", Severity.Info);
        }
    }

    private async Task RefreshAsync()
    {
        active = await Generation.ListActiveAsync();
        recent = await Generation.ListRecentAsync(ResultHistory.JobsToRead, clearedAt);
        images = ResultHistory.Images(recent);
        finished = ResultHistory.Finished(recent);
        lightboxItems = [.. images.Select(r => new LightboxItem(r.Image.Id, r.Job.Prompt, r.Image.Seed, r.Image.Width, r.Image.Height))];
        if (lightbox >= lightboxItems.Count)
        {
            lightbox = lightboxItems.Count == 0 ? null : lightboxItems.Count - 1;
        }

        positions = await Generation.PositionsAsync();
        lastSeed ??= recent.FirstOrDefault()?.Seed;
    }

    public void Dispose()
    {
        live?.Dispose();
        if (shortcuts is not null)
        {
            _ = DisposeShortcutsAsync(shortcuts);
        }

        self?.Dispose();
    }

    private static async Task DisposeShortcutsAsync(IJSObjectReference handle)
    {
        try
        {
            await handle.InvokeVoidAsync("dispose");
            await handle.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The browser is gone, and its listener with it.
        }
    }
}
