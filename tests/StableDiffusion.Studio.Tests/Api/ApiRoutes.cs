using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>Every API route the running app maps, read from its endpoints, each method with a concrete URL.</summary>
public static class ApiRoutes
{
    public static readonly string[] Prefixes = ["api/v1/", "sdapi/v1/"];

    public static IReadOnlyList<(HttpMethod Method, string Url, RouteEndpoint Endpoint)> All(IServiceProvider services)
    {
        var routes = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => Prefixes.Any(p => (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (new HttpMethod(m), Url(e.RoutePattern), e)))
            .ToList();
        Assert.Contains(routes, r => r.Item2.StartsWith("/api/v1/", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Item2.StartsWith("/sdapi/v1/", StringComparison.Ordinal));
        return routes;
    }

    /// <summary>The pattern with each parameter filled in: a fresh guid for a guid, a word otherwise.</summary>
    public static string Url(RoutePattern pattern) => "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
        RoutePatternParameterPart => "word",
        RoutePatternSeparatorPart separator => separator.Content,
        _ => "",
    }))));
}
