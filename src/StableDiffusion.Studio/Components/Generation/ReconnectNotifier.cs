using Microsoft.AspNetCore.Components.Server.Circuits;

namespace StableDiffusion.Studio.Components.Generation;

/// <summary>
/// Tells this circuit's pages when the browser's connection comes back. Progress pushed while it was away may
/// have been dropped (SignalR keeps no backlog), so pages re-read their state from the database.
/// </summary>
public sealed class ReconnectNotifier : CircuitHandler
{
    private bool wasDown;

    public event Func<Task>? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        wasDown = true;
        return Task.CompletedTask;
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (wasDown && Reconnected is { } handlers)
        {
            wasDown = false;
            foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }
}
