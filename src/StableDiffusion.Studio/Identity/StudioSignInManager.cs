using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Identity's sign-in manager writing the account into the studio's one identity cookie (the cookie scheme an
/// anonymous browser already has), so a browser is never signed in twice; and a disabled account neither signs in
/// nor keeps a valid security stamp.
/// </summary>
public sealed class StudioSignInManager : SignInManager<StudioUser>
{
    public StudioSignInManager(
        UserManager<StudioUser> userManager,
        IHttpContextAccessor contextAccessor,
        IUserClaimsPrincipalFactory<StudioUser> claimsFactory,
        IOptions<IdentityOptions> optionsAccessor,
        ILogger<SignInManager<StudioUser>> logger,
        IAuthenticationSchemeProvider schemes,
        IUserConfirmation<StudioUser> confirmation)
        : base(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation) =>
        AuthenticationScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>An anonymous browser's identity lives in the same cookie scheme, but is not an account.</summary>
    public override bool IsSignedIn(System.Security.Claims.ClaimsPrincipal principal) => principal.IsAccount();

    public override async Task<bool> CanSignInAsync(StudioUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    public override async Task<bool> ValidateSecurityStampAsync(StudioUser? user, string? securityStamp) =>
        user is { IsDisabled: false } && await base.ValidateSecurityStampAsync(user, securityStamp);
}
