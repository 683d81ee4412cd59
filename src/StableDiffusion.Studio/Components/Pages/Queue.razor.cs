using Microsoft.AspNetCore.Components;
using MudBlazor;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Components.Pages;

public sealed partial class Queue
{
    private IReadOnlyList<JobRecord> active = [];
    private IReadOnlyList<JobRecord> cancelled = [];
    private QueueOverview overview = QueueOverview.Empty;
    private LiveJobs? live;
    private bool administrator;
    private int refreshes;

    // Jobs cancelled from this page stay on it, marked Cancelled, until the person leaves: a row that vanishes
    // looks like it never existed.
    private readonly HashSet<Guid> cancelledHere = [];

    private string LengthText => overview.Length switch
    {
        0 => "The queue is empty.",
        1 => $"1 job in the queue ({Describe()}).",
        var n => $"{n} jobs in the queue ({Describe()}).",
    };

    protected override async Task OnInitializedAsync()
    {
        administrator = await Generation.IsAdministratorAsync();
        await RefreshAsync();
        if (RendererInfo.IsInteractive)
        {
            live = await LiveJobs.StartAsync(Generation, Reconnects, InvokeAsync, RefreshAsync, StateHasChanged);
        }
    }

    private string Describe() => $"{overview.Running} running, {overview.Waiting} waiting";

    private async Task RefreshAsync()
    {
        active = await Generation.ListActiveAsync();
        overview = await Generation.OverviewAsync();
        var ended = new List<JobRecord>();
        foreach (var id in cancelledHere.Where(id => active.All(j => j.Id != id)))
        {
            if (await Generation.GetAsync(id) is { Status: JobStatus.Cancelled } job)
            {
                ended.Add(job);
            }
        }

        cancelled = ended;
        refreshes++;
    }

    private async Task CancelAsync(Guid jobId)
    {
        if (await Generation.CancelAsync(jobId))
        {
            cancelledHere.Add(jobId);
            Snackbar.Add("Job cancelled.", Severity.Success);
        }
        else
        {
            Snackbar.Add("That job has already finished.", Severity.Info);
        }

        await RefreshAsync();
    }

    private async Task CancelAllAsync()
    {
        var ids = active.Select(j => j.Id).ToList();
        var count = await Generation.CancelAllAsync();
        cancelledHere.UnionWith(ids);
        Snackbar.Add(count == 1 ? "1 job cancelled." : $"{count} jobs cancelled.", Severity.Success);
        await RefreshAsync();
    }

    private async Task SkipAsync(Guid jobId)
    {
        if (!await Generation.SkipAsync(jobId))
        {
            Snackbar.Add("That job is no longer running.", Severity.Info);
        }
    }

    public void Dispose() => live?.Dispose();
}
