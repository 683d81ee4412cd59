using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;

namespace StableDiffusion.Studio.Components.Pages;

/// <summary>
/// The settings form, the user's running and waiting jobs with live progress, and the latest results. All state
/// comes from the database on load (so a reconnect rebuilds it) and from the progress feed while the circuit lives.
/// </summary>
public sealed partial class Create : IDisposable
{
    [Inject] private GenerationService Generation { get; set; } = default!;
    [Inject] private ImageLibrary Library { get; set; } = default!;
    [Inject] private CurrentUser User { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ReconnectNotifier Reconnects { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "from")]
    public Guid? From { get; set; }

    private readonly JobSettings settings = new();
    private readonly ConcurrentDictionary<Guid, JobUpdate> live = new();
    private IReadOnlyDictionary<string, string> errors = new Dictionary<string, string>();
    private IReadOnlyList<JobRecord> active = [];
    private IReadOnlyList<JobRecord> recent = [];
    private IReadOnlyDictionary<Guid, int> positions = new Dictionary<Guid, int>();
    private long? lastSeed;
    private bool loaded;
    private bool submitting;
    private bool refreshPending;
    private IDisposable? subscription;
    private RenderThrottle? throttle;
    private DotNetObjectReference<Create>? self;
    private IJSObjectReference? shortcuts;

    protected override async Task OnInitializedAsync()
    {
        var model = Generation.Models.FirstOrDefault(m => m.IsAvailable) ?? Generation.Models.FirstOrDefault();
        if (model is not null)
        {
            settings.Model = model.Name;
            (settings.Width, settings.Height) = (model.Defaults.Width, model.Defaults.Height);
            (settings.Steps, settings.GuidanceScale, settings.Scheduler) = (model.Defaults.Steps, model.Defaults.GuidanceScale, model.Defaults.Scheduler);
        }

        if (From is { } imageId && await Library.GetAsync(await User.GetIdAsync(), imageId) is { Job: { } job } image)
        {
            ApplySettings(SettingsFrom(job, image.Seed));
        }

        await RefreshAsync();
        loaded = true;

        // Only a live circuit subscribes; the prerendered copy is thrown away.
        if (RendererInfo.IsInteractive)
        {
            throttle = new RenderThrottle(() => InvokeAsync(OnThrottledRenderAsync), RenderThrottle.FourPerSecond);
            subscription = await Generation.SubscribeAsync(OnUpdate, OnQueueChanged);
            Reconnects.Reconnected += OnReconnectedAsync;
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

    /// <summary>Fills the form from an image's job or a dropped PNG's parameters.</summary>
    internal void ApplySettings(JobSettings from)
    {
        settings.Prompt = from.Prompt;
        settings.NegativePrompt = from.NegativePrompt;
        settings.Seed = from.Seed;
        settings.Steps = from.Steps;
        settings.GuidanceScale = from.GuidanceScale;
        settings.Scheduler = from.Scheduler;
        settings.NoiseSource = from.NoiseSource;
        settings.Width = from.Width;
        settings.Height = from.Height;
        if (Generation.Models.Any(m => m.Name == from.Model && m.IsAvailable))
        {
            settings.Model = from.Model;
        }

        errors = new Dictionary<string, string>();
        StateHasChanged();
    }

    private static JobSettings SettingsFrom(JobRecord job, long seed) => new()
    {
        Prompt = job.Prompt, NegativePrompt = job.NegativePrompt, Seed = seed, Steps = job.Steps, GuidanceScale = job.GuidanceScale,
        Scheduler = job.Scheduler, NoiseSource = job.NoiseSource, Width = job.Width, Height = job.Height, Model = job.Model, BatchCount = 1,
    };

    private async Task GenerateAsync()
    {
        if (submitting)
        {
            return;
        }

        submitting = true;
        try
        {
            var result = await Generation.SubmitAsync(settings);
            errors = result.Errors;
            if (result.Job is { } job)
            {
                lastSeed = job.Seed;
                await RefreshAsync();
            }
        }
        finally
        {
            submitting = false;
        }
    }

    private async Task CancelAsync(Guid jobId)
    {
        if (!await Generation.CancelAsync(jobId))
        {
            Snackbar.Add("That job has already finished.", Severity.Info);
        }

        await RefreshAsync();
    }

    private JobUpdate UpdateOf(JobRecord job) => live.GetValueOrDefault(job.Id) is { } update && !update.IsFinished
        ? update
        : JobUpdate.Of(job);

    private async Task RefreshAsync()
    {
        active = await Generation.ListActiveAsync();
        recent = await Generation.ListRecentAsync(12);
        positions = await Generation.PositionsAsync();
        lastSeed ??= recent.FirstOrDefault()?.Seed;
    }

    // Called on the worker's thread: store and schedule, never wait.
    private void OnUpdate(JobUpdate update)
    {
        live[update.JobId] = update;
        if (update.IsFinished)
        {
            refreshPending = true;
            if (update.Status == JobStatus.Failed)
            {
                _ = InvokeAsync(() => Snackbar.Add($"A job failed: {update.Error}", Severity.Error));
            }
        }

        throttle?.Request();
    }

    private void OnQueueChanged()
    {
        refreshPending = true;
        throttle?.Request();
    }

    private async Task OnThrottledRenderAsync()
    {
        if (refreshPending)
        {
            refreshPending = false;
            await RefreshAsync();
        }

        StateHasChanged();
    }

    private Task OnReconnectedAsync() => InvokeAsync(async () =>
    {
        live.Clear();
        await RefreshAsync();
        StateHasChanged();
    });

    public void Dispose()
    {
        Reconnects.Reconnected -= OnReconnectedAsync;
        subscription?.Dispose();
        throttle?.Dispose();
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
