using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Checks an open circuit's account every minute: once it is disabled or its security stamp changes (a password
/// change, a sign-out everywhere), the circuit's user becomes nobody and <c>AccountWatch</c> reloads the page, where
/// the cookie no longer holds. Anonymous browsers have nothing to revalidate.
/// </summary>
public sealed class AccountRevalidation(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillValidAsync(authenticationState.User);

    /// <summary>True for an anonymous principal, and for an account that exists, is enabled and has the principal's security stamp.</summary>
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        if (!principal.IsAccount())
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = await users.GetUserAsync(principal);
        return user is { IsDisabled: false }
            && principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType) == await users.GetSecurityStampAsync(user);
    }
}
