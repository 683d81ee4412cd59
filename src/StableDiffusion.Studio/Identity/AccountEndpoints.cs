using Microsoft.AspNetCore.Antiforgery;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// The account routes outside the pages: signing out (a form post, so antiforgery applies), and the options a
/// browser's <c>navigator.credentials</c> needs for a passkey (wwwroot/passkeys.js asks for them).
/// </summary>
public static class AccountEndpoints
{
    public const string SignOutPath = "/account/signout";
    public const string PasskeyCreationOptionsPath = "/account/passkey/creation-options";
    public const string PasskeyRequestOptionsPath = "/account/passkey/request-options";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SignOutPath, async (AccountSignIn accounts) =>
        {
            await accounts.SignOutAsync();
            return TypedResults.LocalRedirect("/");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        endpoints.MapPost(PasskeyCreationOptionsPath, async (string? email, AccountSignIn accounts) =>
            string.IsNullOrWhiteSpace(email)
                ? Results.Problem("Type the email of the new account first.", statusCode: StatusCodes.Status400BadRequest)
                : Results.Content(await accounts.PasskeyCreationOptionsAsync(email), "application/json"));
        endpoints.MapPost(PasskeyRequestOptionsPath, async (AccountSignIn accounts) =>
            Results.Content(await accounts.PasskeyRequestOptionsAsync(), "application/json"));
        return endpoints;
    }
}
