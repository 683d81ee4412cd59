using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace StableDiffusion.Studio;

/// <summary>
/// The last thing the console says at start-up: where the data lives and the address to open, as the server really
/// bound it (a wildcard host is shown as localhost, the address a person on this machine types).
/// </summary>
public static partial class StudioReady
{
    public static async Task RunStudioAsync(this WebApplication app)
    {
        await app.StartAsync();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StableDiffusion.Studio");
        var paths = app.Services.GetRequiredService<StudioPaths>();
        LogDataDirectory(logger, paths.DataDirectory, paths.KeysDirectory);
        LogReady(logger, Address(app));
        await app.WaitForShutdownAsync();
    }

    public static string Address(WebApplication app)
    {
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = bound.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? bound.FirstOrDefault() ?? "http://localhost:5000";
        return Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri)
            ? new UriBuilder(uri) { Host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host }.Uri.ToString().TrimEnd('/')
            : address;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Images and the database are kept in {DataDirectory}; the keys that sign identity cookies in {KeysDirectory}")]
    private static partial void LogDataDirectory(ILogger logger, string dataDirectory, string keysDirectory);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Stable Diffusion Studio is ready at {Address}")]
    private static partial void LogReady(ILogger logger, string address);
}
