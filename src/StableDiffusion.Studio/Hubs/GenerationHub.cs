using Microsoft.AspNetCore.SignalR;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Hubs;

/// <summary>
/// Lets any other client watch a job it owns: <c>Watch(jobId)</c> returns the current state, then the server calls
/// <c>Progress(update)</c> per step and <c>Finished(update)</c> once. A job that is not the caller's is "not found".
/// </summary>
public sealed class GenerationHub(IJobQueries jobs, HubProgressRelay relay) : Hub
{
    public const string Path = "/hubs/generation";

    public async Task<JobUpdate> Watch(Guid jobId)
    {
        var ownerId = Context.User?.StudioUserId() ?? throw new HubException("not found");
        // Subscribe before reading, so an update between the two is not lost.
        relay.Watch(Context.ConnectionId, jobId);
        var job = await jobs.GetAsync(ownerId, jobId);
        if (job is null)
        {
            relay.Unwatch(Context.ConnectionId, jobId);
            throw new HubException("not found");
        }

        var current = JobUpdate.Of(job);
        if (current.IsFinished)
        {
            relay.Finish(Context.ConnectionId, current);
        }

        return relay.Latest(jobId) ?? current;
    }

    public void Unwatch(Guid jobId) => relay.Unwatch(Context.ConnectionId, jobId);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        relay.Forget(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
