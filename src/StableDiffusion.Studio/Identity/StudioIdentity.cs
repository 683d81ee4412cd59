using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Every browser gets its own identity without sign-up: a random id in a long-lived, HttpOnly cookie protected by
/// ASP.NET Core data protection (keys kept under the data directory, so identities survive restarts).
/// </summary>
public static class StudioIdentity
{
    public const string CookieName = ".Studio.Identity";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(400);

    /// <summary>The studio user id of a signed-in principal, else null.</summary>
    public static string? StudioUserId(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    public static ClaimsPrincipal CreatePrincipal(string userId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>Signs in a new anonymous identity on the first request that has none.</summary>
    public static IApplicationBuilder UseAnonymousIdentity(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.StudioUserId() is null)
        {
            var principal = CreatePrincipal(Guid.NewGuid().ToString("N"));
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = true });
            context.User = principal;
        }

        await next(context);
    });
}
