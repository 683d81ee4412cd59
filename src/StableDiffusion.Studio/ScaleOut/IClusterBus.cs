namespace StableDiffusion.Studio.ScaleOut;

/// <summary>
/// What crosses processes in real time: wake-ups for idle workers, cancels of a job running elsewhere, and (inside
/// the Redis implementation) progress and queue changes. Best-effort: the database stays the truth, and every
/// receiver also polls or rebuilds from it.
/// </summary>
public interface IClusterBus
{
    /// <summary>Null with no Redis configured; else whether it is connected now.</summary>
    bool? IsConnected { get; }

    event Action? WakeReceived;

    event Action<Guid>? CancelReceived;

    /// <summary>Raised after a lost connection came back: whatever was sent meanwhile is gone.</summary>
    event Action? Reconnected;

    void Wake();

    void Cancel(Guid jobId);
}
