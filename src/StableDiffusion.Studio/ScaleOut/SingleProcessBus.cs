namespace StableDiffusion.Studio.ScaleOut;

/// <summary>No Redis: nothing crosses processes, and workers find new jobs by polling the database.</summary>
public sealed class SingleProcessBus : IClusterBus
{
    public bool? IsConnected => null;

    public event Action? WakeReceived { add { } remove { } }

    public event Action<Guid>? CancelReceived { add { } remove { } }

    public event Action? Reconnected { add { } remove { } }

    public void Wake()
    {
    }

    public void Cancel(Guid jobId)
    {
    }
}
