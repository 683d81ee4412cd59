using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// Turns a presented API key into the principal of the user it belongs to, shaped like the identity cookie's (the
/// user id as <see cref="ClaimTypes.NameIdentifier"/>), so every service that asks "who is this?" answers the same.
/// A challenge is a 401 with <c>WWW-Authenticate</c> for both schemes clients use, and a problem+json body.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The default scheme: API credentials when a request carries them, else the browser's identity cookie.</summary>
    public const string SelectorSchemeName = "StudioOrApiKey";

    public const string Realm = "Stable Diffusion Studio";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ApiCredentials.Read(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var ownerId = await keys.FindOwnerAsync(key, Context.RequestAborted);
        if (ownerId is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, ownerId)], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = new StringValues([$"Bearer realm=\"{Realm}\"", $"Basic realm=\"{Realm}\", charset=\"UTF-8\""]);
        var detail = ApiCredentials.Read(Request) is null
            ? "Send an API key as 'Authorization: Bearer KEY' or as the password of HTTP Basic auth. Keys are made on the /settings page."
            : "The API key is unknown or has been revoked.";
        await TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }
}
