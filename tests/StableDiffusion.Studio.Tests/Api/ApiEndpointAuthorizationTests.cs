using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// Every endpoint the app maps, read from its endpoint data source rather than listed by hand, so that an API route
/// made anonymous by mistake (or mapped outside the API groups) fails here.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiEndpointAuthorizationTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task EveryApiRouteAndMethodRefusesARequestWithoutAKey()
    {
        var anonymous = studio.Anonymous();
        var browser = studio.Browser("alice");

        foreach (var (method, url, _) in ApiRoutes.All(studio.App.Services))
        {
            foreach (var (client, who) in new[] { (anonymous, "no credentials"), (browser, "only the identity cookie") })
            {
                var response = await client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") });

                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {url} with {who}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Fact]
    public void OnlyTheDocumentedRoutesAreOpenWithoutAKey()
    {
        var open = studio.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null && e.Metadata.GetMetadata<ComponentTypeMetadata>() is null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(pattern => !pattern.StartsWith("/_blazor", StringComparison.Ordinal) && !pattern.StartsWith("/_framework/", StringComparison.Ordinal))
            .ToHashSet();

        // README and docs/api.md: health, the API's description, share links, the routes that answer for the
        // browser's own identity cookie (another identity's image is a 404, as a missing one), and signing out and
        // the passkey options of the account pages.
        string[] documented =
        [
            "/healthz", "/openapi/{documentName}.json", "/api/docs/{documentName?}", "/api/docs/scalar.js", "/api/docs/scalar.aspnetcore.js",
            "/api/docs/favicon.svg", "/s/{token}/image", "/s/{token}/images/{imageId:guid}", "/s/{token}/preview.png", "/s/{token}/download",
            "/files/images/{imageId:guid}", "/files/images.zip",
            "/account/signout", "/account/passkey/creation-options", "/account/passkey/request-options",
            "/hubs/generation", "/hubs/generation/negotiate", "/{**path:file}",
        ];
        Assert.Equal(documented.Order(), open.Order());
        Assert.DoesNotContain(open, p => ApiRoutes.Prefixes.Any(prefix => p.StartsWith("/" + prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ImageFilesAnswerOnlyTheIdentityCookieOfTheirOwner()
    {
        var job = await ApiStudio.WaitForFinishAsync(studio.Bearer(studio.AliceKey), (await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/api/v1/generations",
            new { prompt = "cookie only", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString());
        var file = $"/files/images/{job.Images[0].Id}";

        var anonymous = await studio.Anonymous().GetAsync(file);
        var owner = await studio.Browser("alice").GetAsync(file);

        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.True(owner.Headers.CacheControl is { Private: true, Public: false }, $"Cache-Control: {owner.Headers.CacheControl}");
    }
}
