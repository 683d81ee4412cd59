using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Identity;

/// <summary><c>Studio:RequireSignIn=true</c>: a team server for accounts only.</summary>
public sealed class RequireSignInTests : IDisposable
{
    private readonly StudioFactory studio = new() { Configuration = new Dictionary<string, string> { ["Studio:RequireSignIn"] = "true" } };

    [Theory]
    [InlineData("/", "%2F")]
    [InlineData("/gallery?page=2", "%2Fgallery%3Fpage%3D2")]
    [InlineData("/settings", "%2Fsettings")]
    public async Task APageSendsABrowserWithoutAnAccountToSignIn(string page, string returnUrl)
    {
        var browser = await AccountClient.OpenAsync(studio);

        var response = await browser.Http.GetAsync(page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/account/signin?returnUrl={returnUrl}", response.Headers.Location?.ToString());
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(".Studio.Identity=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SigningUpOpensThePagesAndSignInSignUpHealthAndShareLinksStayOpen()
    {
        var browser = await AccountClient.OpenAsync(studio);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/account/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/account/signup")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/healthz")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/s/not-a-token")).StatusCode);

        await browser.SignUpOrFailAsync("ada@example.com");

        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/gallery")).StatusCode);
    }

    [Fact]
    public async Task OnlyKeysOfAnAccountWorkOnTheApi()
    {
        var keys = studio.Services.GetRequiredService<ApiKeyService>();
        var browser = await AccountClient.OpenAsync(studio);
        await browser.SignUpOrFailAsync("ada@example.com");
        var accountKey = await keys.CreateAsync(await browser.UserIdAsync(), "ada's script");
        var anonymousKey = await keys.CreateAsync("an-anonymous-browser", "from before accounts were required");

        Assert.Equal(HttpStatusCode.OK, (await Get(accountKey.Key)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(anonymousKey.Key)).StatusCode);

        Task<HttpResponseMessage> Get(string key)
        {
            var client = studio.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client.GetAsync("/api/v1/generations");
        }
    }

    public void Dispose() => studio.Dispose();
}
