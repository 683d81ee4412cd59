using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Studio.Api;

namespace StableDiffusion.Studio.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ApiAuthenticationTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    private static readonly object Txt2Img = new { prompt = "must not run", steps = 2, width = 64, height = 64 };

    public static TheoryData<string> ProtectedGets => ["/sdapi/v1/options", "/sdapi/v1/sd-models", "/sdapi/v1/progress", "/api/v1/generations", "/api/v1/models", "/api/v1/components", "/sdapi/v1/sd-vae"];

    [Theory]
    [MemberData(nameof(ProtectedGets))]
    public async Task RequestWithoutKeyGets401WithBothChallenges(string path)
    {
        var response = await studio.Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenges = response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
        Assert.Contains("Bearer", challenges);
        Assert.Contains("Basic", challenges);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task NoKeyWrongKeyAndRevokedKeyAllGet401AndNothingRuns()
    {
        var before = await studio.CountJobsAsync();

        var none = await studio.Anonymous().PostAsJsonAsync("/sdapi/v1/txt2img", Txt2Img);
        var wrongBearer = await studio.Bearer("sds_not-a-key").PostAsJsonAsync("/sdapi/v1/txt2img", Txt2Img);
        var wrongBasic = await studio.Basic("sds_not-a-key").PostAsJsonAsync("/sdapi/v1/txt2img", Txt2Img);
        var revoked = await studio.Basic(studio.RevokedKey).PostAsJsonAsync("/sdapi/v1/txt2img", Txt2Img);
        var revokedNative = await studio.Bearer(studio.RevokedKey).PostAsJsonAsync("/api/v1/generations", Txt2Img);

        Assert.All([none, wrongBearer, wrongBasic, revoked, revokedNative], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("revoked", await revoked.Content.ReadAsStringAsync());
        Assert.Equal(before, await studio.CountJobsAsync());
    }

    [Fact]
    public async Task BearerAndBasicWithAnyUserNameBothAuthenticate()
    {
        var bearer = await studio.Bearer(studio.AliceKey).GetAsync("/sdapi/v1/options");
        var basic = await studio.Basic(studio.AliceKey, user: "whatever").GetAsync("/sdapi/v1/options");

        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
    }

    [Fact]
    public async Task ConfiguredKeyActsAsItsConfiguredUser()
    {
        var response = await studio.Basic(ApiStudio.ConfiguredKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "headless red circle", steps = 2, width = 64, height = 64 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var info = JsonDocument.Parse(body.GetProperty("info").GetString()!).RootElement;
        var job = await studio.FindJobAsync(Guid.Parse(info.GetProperty("job_id").GetString()!));
        Assert.Equal(ApiStudio.ConfiguredUser, job!.OwnerId);
    }

    [Fact]
    public async Task BrowserIdentityCookieAloneDoesNotOpenTheApi()
    {
        var response = await studio.Browser("alice").GetAsync("/api/v1/generations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RevokingAKeyTakesEffectOnTheNextRequest()
    {
        var keys = studio.Service<ApiKeyService>();
        var created = await keys.CreateAsync("carol", "soon revoked");
        var client = studio.Bearer(created.Key);

        var before = await client.GetAsync("/sdapi/v1/options");
        await keys.RevokeAsync("carol", created.Record.Id);
        var after = await client.GetAsync("/sdapi/v1/options");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task KeysAreStoredOnlyAsTheirHash()
    {
        var keys = studio.Service<ApiKeyService>();
        var created = await keys.CreateAsync("dave", "hash check");
        var listed = Assert.Single(await keys.ListAsync("dave"));

        Assert.Equal(ApiKeyService.Hash(created.Key), listed.KeyHash);
        Assert.DoesNotContain(created.Key, listed.KeyHash);
        Assert.StartsWith(listed.Prefix, created.Key);
        Assert.True(created.Key.Length > listed.Prefix.Length + 20);
    }

    [Fact]
    public async Task SettingsPageShowsTheBrowsersUserIdAndItsKeys()
    {
        await studio.Service<ApiKeyService>().CreateAsync("erin", "Open WebUI at home");

        var html = await studio.Browser("erin").GetStringAsync("/settings");

        Assert.Contains("erin", html);
        Assert.Contains("Open WebUI at home", html);
        Assert.Contains("API keys", html);
    }

    [Fact]
    public async Task ABasicAuthHeaderOnThePagesIsLeftToTheProxyInFrontOfTheStudio()
    {
        var browser = studio.Browser("gina");
        browser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("proxy-user:proxy-password")));

        var page = await browser.GetAsync("/settings");
        var api = await browser.GetAsync("/api/v1/models");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("gina", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }
}
