using Microsoft.AspNetCore.Identity;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Signing up, in and out on the account pages' requests. Signing up or in from an anonymous browser claims its
/// work for the account (<see cref="AnonymousWorkClaim"/>) before the cookie changes hands.
/// </summary>
public sealed partial class AccountSignIn(
    UserManager<StudioUser> users,
    SignInManager<StudioUser> signIn,
    AnonymousWorkClaim claim,
    IHttpContextAccessor http,
    ILogger<AccountSignIn> logger)
{
    public sealed record Outcome(bool Succeeded, string? Error = null)
    {
        public static readonly Outcome Success = new(true);

        public static Outcome Failed(string error) => new(false, error);
    }

    public const string DisabledError = "This account has been disabled by the studio's administrator.";

    public async Task<Outcome> SignUpAsync(string email, string password)
    {
        var user = NewUser(email, id: null);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return Outcome.Failed(Describe(created));
        }

        return await SignInAsync(user, "pwd");
    }

    public async Task<Outcome> PasswordSignInAsync(string email, string password)
    {
        if (string.IsNullOrWhiteSpace(email) || password.Length == 0)
        {
            return Outcome.Failed("Type your email and password.");
        }

        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            return Outcome.Failed("No account has that email and password.");
        }

        var checkedPassword = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        return checkedPassword switch
        {
            { Succeeded: true } => await SignInAsync(user, "pwd"),
            { IsNotAllowed: true } => Outcome.Failed(DisabledError),
            { IsLockedOut: true } => Outcome.Failed("Too many wrong passwords: try again in a few minutes."),
            _ => Outcome.Failed("No account has that email and password."),
        };
    }

    /// <summary>The creation options for a new account's passkey; the ceremony's state goes into a short-lived cookie.</summary>
    public Task<string> PasskeyCreationOptionsAsync(string email) =>
        signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = Guid.NewGuid().ToString(), Name = email.Trim(), DisplayName = email.Trim() });

    /// <summary>Request options for any of this server's passkeys (the browser offers the ones it has).</summary>
    public Task<string> PasskeyRequestOptionsAsync() => signIn.MakePasskeyRequestOptionsAsync(null);

    /// <summary>A new account whose only way in is the passkey the browser just made.</summary>
    public async Task<Outcome> PasskeySignUpAsync(string email, string credentialJson)
    {
        var attestation = await signIn.PerformPasskeyAttestationAsync(credentialJson);
        if (!attestation.Succeeded)
        {
            return Outcome.Failed($"The passkey could not be made: {attestation.Failure.Message}");
        }

        if (!string.Equals(attestation.UserEntity.Name, email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return Outcome.Failed("The passkey was made for another email: try again.");
        }

        var user = NewUser(email, attestation.UserEntity.Id);
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return Outcome.Failed(Describe(created));
        }

        var added = await users.AddOrUpdatePasskeyAsync(user, attestation.Passkey);
        return added.Succeeded ? await SignInAsync(user, "passkey") : Outcome.Failed(Describe(added));
    }

    public async Task<Outcome> PasskeySignInAsync(string credentialJson)
    {
        // Identity's PasskeySignInAsync would write the cookie at once; asserting first leaves room to claim the
        // browser's work, as a password sign-in does.
        var assertion = await signIn.PerformPasskeyAssertionAsync(credentialJson);
        if (!assertion.Succeeded)
        {
            return Outcome.Failed("That passkey does not belong to an account here.");
        }

        if (await users.IsLockedOutAsync(assertion.User))
        {
            return Outcome.Failed("Too many failed attempts: try again in a few minutes.");
        }

        // The stored passkey keeps the authenticator's new signature count.
        await users.AddOrUpdatePasskeyAsync(assertion.User, assertion.Passkey);
        return await SignInAsync(assertion.User, "passkey");
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    private async Task<Outcome> SignInAsync(StudioUser user, string method)
    {
        if (!await signIn.CanSignInAsync(user))
        {
            return Outcome.Failed(DisabledError);
        }

        if (AnonymousId() is { } anonymousId)
        {
            await claim.ClaimAsync(anonymousId, user.Id);
        }

        await signIn.SignInAsync(user, isPersistent: true, method);
        LogSignedIn(user.Id, method);
        return Outcome.Success;
    }

    /// <summary>The id of the anonymous browser making this request, or null when it is already an account.</summary>
    private string? AnonymousId() =>
        http.HttpContext?.User is { } principal && !principal.IsAccount() ? principal.StudioUserId() : null;

    private static StudioUser NewUser(string email, string? id)
    {
        var user = new StudioUser { UserName = email.Trim(), Email = email.Trim(), CreatedAt = DateTime.UtcNow };
        if (id is not null)
        {
            user.Id = id;
        }

        return user;
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Account {AccountId} signed in by {Method}")]
    private partial void LogSignedIn(string accountId, string method);
}
