using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Every browser gets its own identity without sign-up: a random id in a long-lived, HttpOnly cookie protected by
/// ASP.NET Core data protection (keys kept under the data directory, so identities survive restarts). Signing in to
/// an account replaces that id in the same cookie with the account's.
/// </summary>
public static class StudioIdentity
{
    public const string CookieName = ".Studio.Identity";

    public const string SignInPath = "/account/signin";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(400);

    /// <summary>The studio user id of a signed-in principal (an anonymous browser, an account or an API key), else null.</summary>
    public static string? StudioUserId(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    /// <summary>
    /// Whether the principal is an account's: Identity's claims factory marks its identities with the application
    /// scheme's name, where an anonymous browser's identity carries the cookie scheme's.
    /// </summary>
    public static bool IsAccount(this ClaimsPrincipal user) =>
        user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == IdentityConstants.ApplicationScheme);

    public static ClaimsPrincipal CreatePrincipal(string userId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>
    /// Signs in a new anonymous identity on the first request that has none; with <c>Studio:RequireSignIn</c>, sends a
    /// page request without an account to the sign-in page instead.
    /// </summary>
    public static IApplicationBuilder UseAnonymousIdentity(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.RequestServices.GetRequiredService<IOptions<StudioOptions>>().Value.RequireSignIn)
        {
            if (!context.User.IsAccount() && context.User.Identity?.AuthenticationType != Api.ApiKeyAuthenticationHandler.SchemeName
                && IsPageRequest(context) && !IsOpenWithoutAccount(context.Request.Path))
            {
                context.Response.Redirect($"{SignInPath}?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
                return;
            }
        }
        else if (context.User.StudioUserId() is null)
        {
            var principal = CreatePrincipal(Guid.NewGuid().ToString("N"));
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = true });
            context.User = principal;
        }

        await next(context);
    });

    /// <summary>A page of the studio: a GET for HTML that no static file, API or share route answers.</summary>
    private static bool IsPageRequest(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && context.GetEndpoint() is { } endpoint
        && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null;

    /// <summary>Pages a visitor without an account still sees: signing in and up, share links, not found and errors.</summary>
    private static bool IsOpenWithoutAccount(PathString path) =>
        path.StartsWithSegments("/account") || path.StartsWithSegments("/s") || path.StartsWithSegments("/not-found") || path.StartsWithSegments("/Error");
}
