using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Admits a new circuit only while its user has fewer than <c>MaxCircuitsPerUser</c> open. A refused circuit shows
/// a message instead of the page (MainLayout reads <see cref="Refused"/>) and is then ended.
/// </summary>
public sealed partial class CircuitLimitHandler(
    OpenCircuits open, CurrentUser user, IOptions<StudioOptions> options, ILogger<CircuitLimitHandler> logger) : CircuitHandler
{
    private string? countedUser;

    public bool Refused { get; private set; }

    public int Limit => options.Value.MaxCircuitsPerUser;

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var userId = await user.GetIdAsync();
        if (open.TryOpen(userId, Limit))
        {
            countedUser = userId;
        }
        else
        {
            Refused = true;
            LogRefused(logger, Limit);
        }
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (countedUser is { } userId)
        {
            open.Close(userId);
            countedUser = null;
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Refused a circuit: its user already has {Limit} open")]
    private static partial void LogRefused(ILogger logger, int limit);
}
