using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Scalar.AspNetCore;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// The program-facing side of the studio: API-key authentication, CORS, problem details, OpenAPI and the two APIs
/// (/api/v1 and A1111's /sdapi/v1). Program.cs calls one method of each kind.
/// </summary>
public static class StudioApi
{
    public const string CorsPolicy = "StudioApi";
    public const string AuthorizationPolicy = "ApiKey";
    public const string DocsPath = "/api/docs";

    public static WebApplicationBuilder AddStudioApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration("Api")
            .Validate(o => o.Keys.All(k => k.User.Length is > 0 and <= 64 && k.User.All(IsUserIdCharacter)),
                "Every Api:Keys entry needs a User of 1 to 64 letters, digits, '-', '_', '.' or '@'.")
            .Validate(o => o.Keys.All(k => k.Key.Length >= 16), "Every Api:Keys entry needs a Key of at least 16 characters.")
            .ValidateOnStart();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<ApiModelCatalog>();
        services.AddSingleton<ApiOptionsStore>();
        services.AddSingleton<JobWaiter>();

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(ApiKeyAuthenticationHandler.SelectorSchemeName, null, o => o.ForwardDefaultSelector = context =>
                ApiCredentials.ArePresent(context.Request) ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme);
        // Registered after the studio's cookie default, so this one wins: programs (and the progress hub) are
        // recognised by their key, browsers by their identity cookie.
        services.Configure<AuthenticationOptions>(o => o.DefaultScheme = ApiKeyAuthenticationHandler.SelectorSchemeName);
        services.AddAuthorizationBuilder().AddPolicy(AuthorizationPolicy, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());

        // No origin may call the API from a browser page unless configured (A1111's permissive CORS let any web
        // page drive a local server; reliability notes §2).
        var origins = builder.Configuration.GetSection("Api:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(o => o.AddPolicy(CorsPolicy, policy => policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiErrors.Describe);
        services.AddOpenApi(o =>
        {
            // The document describes the APIs, not the studio's pages, files and health check.
            o.ShouldInclude = d => d.RelativePath is { } path && (path.StartsWith("api/v1/", StringComparison.Ordinal) || path.StartsWith("sdapi/v1/", StringComparison.Ordinal));
            o.AddDocumentTransformer<ApiKeySecuritySchemes>();
        });
        return builder;
    }

    /// <summary>Between authentication and the anonymous identity: refuses bad keys before anything else sees the request.</summary>
    public static WebApplication UseStudioApi(this WebApplication app)
    {
        app.UseCors();
        app.Use(async (context, next) =>
        {
            // A request that shows API credentials is a program: a bad key is a 401 everywhere (the hub included),
            // never a fall-back to a fresh anonymous identity.
            if (ApiCredentials.ArePresent(context.Request) && context.User.Identity?.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName)
            {
                await context.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName);
                return;
            }

            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapStudioApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup(NativeApiEndpoints.Prefix).WithTags("Studio API")
            .RequireAuthorization(AuthorizationPolicy).RequireCors(CorsPolicy).DisableAntiforgery()
            .MapNativeApi()
            .MapImageSearch();
        endpoints.MapGroup(A1111Endpoints.Prefix).WithTags("AUTOMATIC1111-compatible API")
            .RequireAuthorization(AuthorizationPolicy).RequireCors(CorsPolicy).DisableAntiforgery()
            .MapA1111Api();
        endpoints.MapOpenApi();
        endpoints.MapScalarApiReference(DocsPath, o => o.WithTitle("Stable Diffusion Studio API"));
        return endpoints;
    }

    private static bool IsUserIdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@';
}
