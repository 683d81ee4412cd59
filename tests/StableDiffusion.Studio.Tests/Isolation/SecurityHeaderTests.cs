using StableDiffusion.Studio.Security;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Isolation;

public sealed class SecurityHeaderTests(StudioFactory studio) : IClassFixture<StudioFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/gallery")]
    [InlineData("/no-such-page")]
    public async Task EveryPageCarriesTheContentSecurityPolicyNosniffAndAReferrerPolicy(string path)
    {
        var response = await studio.CreateClientFor("alice").GetAsync(path);

        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("script-src 'self';", SecurityHeaders.ContentSecurityPolicy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.DoesNotContain("type=\"importmap\"", await response.Content.ReadAsStringAsync());
    }
}
