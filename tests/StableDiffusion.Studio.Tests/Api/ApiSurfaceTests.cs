using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>The OpenAPI document and reference page, CORS, and the progress hub as a program uses it.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiSurfaceTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    public sealed record WatchedUpdate(Guid JobId, JobStatus Status, int Step, int TotalSteps, string? Error, List<Guid> ImageIds);

    [Fact]
    public async Task OpenApiDocumentIsValidJsonListingEveryNativeEndpoint()
    {
        var response = await studio.Anonymous().GetAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = document.GetProperty("paths");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        (string Path, string Method)[] native =
        [
            ("/api/v1/generations", "post"), ("/api/v1/generations", "get"), ("/api/v1/generations/{id}", "get"),
            ("/api/v1/generations/{id}", "delete"), ("/api/v1/images/{id}", "get"), ("/api/v1/images/{id}/share", "post"),
            ("/api/v1/images/{id}/share", "delete"), ("/api/v1/models", "get"), ("/api/v1/components", "get"), ("/api/v1/samplers", "get"),
            ("/api/v1/generations/{id}/skip", "post"), ("/sdapi/v1/skip", "post"),
        ];
        Assert.All(native, e => Assert.True(paths.TryGetProperty(e.Path, out var path) && path.TryGetProperty(e.Method, out _), $"{e.Method} {e.Path}"));
        Assert.True(paths.TryGetProperty("/sdapi/v1/txt2img", out _));
        // The request schema names both batch settings.
        var request = document.GetProperty("components").GetProperty("schemas").GetProperty("CreateGenerationRequest").GetProperty("properties");
        Assert.True(request.TryGetProperty("batchSize", out _) && request.TryGetProperty("batchCount", out _), request.ToString());
        Assert.False(paths.TryGetProperty("/healthz", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));
    }

    [Fact]
    public async Task ReferencePageIsServedAtApiDocs()
    {
        var client = studio.Anonymous();
        var response = await client.GetAsync(StudioApi.DocsPath);
        if (response.StatusCode is HttpStatusCode.Moved or HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently)
        {
            // Scalar redirects to the trailing-slash form with a relative Location.
            response = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, StudioApi.DocsPath), response.Headers.Location!));
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/sdapi/v1/txt2img")]
    [InlineData("/api/v1/generations")]
    public async Task CorsPreflightFromAForeignOriginIsRefusedAndFromTheConfiguredOneAllowed(string path)
    {
        var foreign = await studio.Anonymous().SendAsync(Preflight(path, "https://evil.example"));
        var allowed = await studio.Anonymous().SendAsync(Preflight(path, ApiStudio.AllowedOrigin));

        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(ApiStudio.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task ProgramWatchesItsOwnJobOnTheHubWithItsKeyAndNotAnotherUsers()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var job = await ApiStudio.WaitForFinishAsync(alice, (await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "watched", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString());
        await using var aliceHub = studio.HubConnection(studio.AliceKey);
        await using var bobHub = studio.HubConnection(studio.BobKey);
        var finished = new TaskCompletionSource<WatchedUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        aliceHub.On<WatchedUpdate>("Finished", u => finished.TrySetResult(u));
        await aliceHub.StartAsync();
        await bobHub.StartAsync();

        await aliceHub.InvokeAsync<WatchedUpdate>("Watch", job.Id);
        var final = await finished.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var bobWatch = await Assert.ThrowsAsync<HubException>(() => bobHub.InvokeAsync<WatchedUpdate>("Watch", job.Id));

        Assert.Equal(JobStatus.Succeeded, final.Status);
        Assert.Equal(job.Images.Select(i => i.Id), final.ImageIds);
        Assert.Contains("not found", bobWatch.Message);
    }

    [Fact]
    public async Task HubRefusesAWrongKey()
    {
        await using var hub = studio.HubConnection("sds_wrong-key");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task HubTakesTheKeyFromTheAccessTokenQueryAsBrowserWebSocketsMustSendIt()
    {
        var client = studio.Anonymous();

        var valid = await client.PostAsync($"/hubs/generation/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(studio.AliceKey)}", null);
        var revoked = await client.PostAsync($"/hubs/generation/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(studio.RevokedKey)}", null);

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.True((await valid.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("connectionToken", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
