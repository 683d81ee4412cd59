using StableDiffusion.Studio.Api;

namespace StableDiffusion.Studio.Security;

/// <summary>
/// Headers for the studio's HTML pages: a Content-Security-Policy that Blazor Server and MudBlazor still work under,
/// nosniff and a referrer policy. A page that sets its own (the share page's no-referrer) keeps it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The Blazor CSP guidance, narrowed: scripts only from this origin (so no inline import map), styles inline too
    /// (MudBlazor writes style attributes and its theme as a style element), the circuit's WebSocket on this origin
    /// ('self' covers same-origin ws: in CSP3), no framing. No upgrade-insecure-requests: the studio also runs on
    /// plain http on a LAN, where upgraded requests would fail.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; base-uri 'self'; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseStudioSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var response = context.Response;
        response.OnStarting(() =>
        {
            response.Headers.XContentTypeOptions = "nosniff";
            // The API reference page (Scalar) runs an inline script of its own: it keeps the browser's defaults.
            if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
                && !context.Request.Path.StartsWithSegments(StudioApi.DocsPath))
            {
                response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                response.Headers.XFrameOptions = "DENY";
                if (!response.Headers.ContainsKey("Referrer-Policy"))
                {
                    response.Headers["Referrer-Policy"] = "same-origin";
                }
            }

            return Task.CompletedTask;
        });
        return next();
    });
}
