namespace StableDiffusion.Studio.Queue;

/// <summary>
/// The whole queue as one owner sees it: how long it is, how many jobs are in front of each of theirs, and when each
/// should be done from the speed measured on recent jobs of the same model and size.
/// </summary>
/// <param name="Running">Jobs of every owner running now.</param>
/// <param name="Waiting">Jobs of every owner waiting to run.</param>
/// <param name="JobsAhead">Per waiting job of the owner: jobs that run before it (running ones included).</param>
/// <param name="Remaining">Per job of the owner: the time until it finishes; absent when no job of a model and size in front of it has finished yet.</param>
public sealed record QueueOverview(
    int Running,
    int Waiting,
    IReadOnlyDictionary<Guid, int> JobsAhead,
    IReadOnlyDictionary<Guid, TimeSpan> Remaining)
{
    public static QueueOverview Empty { get; } = new(0, 0, new Dictionary<Guid, int>(), new Dictionary<Guid, TimeSpan>());

    public int Length => Running + Waiting;
}
