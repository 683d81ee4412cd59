using System.Text;
using StableDiffusion.Studio.Hubs;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// Where a program puts its key: <c>Authorization: Bearer KEY</c>, HTTP Basic with the key as the password and any
/// user name (what Open WebUI and SillyTavern send for A1111's <c>--api-auth</c>), or, for the progress hub only,
/// the <c>access_token</c> query string that browsers' WebSockets must use (SignalR's documented pattern).
/// Only the API paths and the hub read them: a reverse proxy's own Basic auth must not lock browsers out of the pages.
/// </summary>
public static class ApiCredentials
{
    public const string AccessTokenQuery = "access_token";

    /// <summary>True when the request carries API credentials of any kind, valid or not.</summary>
    public static bool ArePresent(HttpRequest request) => Read(request) is not null;

    /// <summary>The presented key; "" for credentials that are present but unreadable; null for none.</summary>
    public static string? Read(HttpRequest request)
    {
        var onApi = request.Path.StartsWithSegments(NativeApiEndpoints.Prefix) || request.Path.StartsWithSegments(A1111Endpoints.Prefix);
        var onHub = request.Path.StartsWithSegments(GenerationHub.Path);
        if (!onApi && !onHub)
        {
            return null;
        }

        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        // On the hub, Basic is left to whatever sits in front of the studio; SignalR clients send Bearer tokens.
        if (onApi && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return PasswordOf(header["Basic ".Length..].Trim());
        }

        return onHub && request.Query.TryGetValue(AccessTokenQuery, out var token) ? token.ToString() : null;
    }

    private static string PasswordOf(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':');
            return colon < 0 ? decoded : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
