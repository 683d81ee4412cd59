namespace StableDiffusion.Studio.Components.Account;

/// <summary>What the sign-up and sign-in forms post: the email, and either a password or a passkey's answer.</summary>
public sealed class AccountInput
{
    public string? Email { get; set; }

    public string? Password { get; set; }

    /// <summary>JSON of the browser's <c>PublicKeyCredential</c>, filled by wwwroot/passkeys.js; empty for a password.</summary>
    public string? CredentialJson { get; set; }
}
