using Microsoft.AspNetCore.Components.Authorization;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// The user of this circuit (or prerendering request). Interactive components have no HttpContext, so the id
/// comes from the authentication state captured when the circuit started.
/// </summary>
public sealed class CurrentUser(AuthenticationStateProvider authentication)
{
    private string? id;

    public async Task<string> GetIdAsync()
    {
        if (id is null)
        {
            var state = await authentication.GetAuthenticationStateAsync();
            // A request without the identity cookie owns nothing: a fresh id matches no row.
            id = state.User.StudioUserId() ?? Guid.NewGuid().ToString("N");
        }

        return id;
    }
}
