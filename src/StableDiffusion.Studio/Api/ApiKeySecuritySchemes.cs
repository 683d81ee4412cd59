using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace StableDiffusion.Studio.Api;

/// <summary>Tells OpenAPI readers (and the reference page's "try it") that every operation takes a key, by Bearer or Basic.</summary>
public sealed class ApiKeySecuritySchemes : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Stable Diffusion Studio API";
        document.Info.Description = "The studio's own API (/api/v1) and an AUTOMATIC1111-compatible one (/sdapi/v1). "
                                    + "Authenticate with an API key from /settings: 'Authorization: Bearer KEY', or HTTP Basic with the key as password.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            ["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key" },
            ["basic"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "basic", Description = "Any user name, the API key as password" },
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("basic", document)] = [] },
        ];
        return Task.CompletedTask;
    }
}
