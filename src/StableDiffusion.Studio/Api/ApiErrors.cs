using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// How /api/v1 and /sdapi/v1 answer what goes wrong: always problem+json, never the studio's HTML error and
/// not-found pages, never an exception's message, stack or file paths (the log keeps those), in any environment.
/// Also where their bodies are checked before anything reads them: 413 past the size limit, 415 for a JSON
/// endpoint sent something else.
/// </summary>
public static class ApiErrors
{
    /// <summary>Room for the fields beside an init image: two 2,000-character prompts even fully \u-escaped, and more.</summary>
    public const long OtherFieldsBytes = 64 * 1024;

    public static bool IsApiRequest(HttpContext context) =>
        context.Request.Path.StartsWithSegments(NativeApiEndpoints.Prefix) || context.Request.Path.StartsWithSegments(A1111Endpoints.Prefix);

    /// <summary>The largest request body: an upload-sized image in base64 (4 bytes per 3) plus the other fields.</summary>
    public static long BodyLimit(long maxUploadBytes) => (maxUploadBytes + 2) / 3 * 4 + OtherFieldsBytes;

    /// <summary>Goes inside the page handlers (exception page, status-code pages), so an API answer never reaches them.</summary>
    public static IApplicationBuilder UseStudioApiErrors(this IApplicationBuilder app) => app.UseWhen(IsApiRequest, api =>
    {
        api.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Kestrel's own refusals while the body is read (past the limit, a broken chunk) keep their status.
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        api.UseStatusCodePages();
        api.Use(CheckBodyAsync);
    });

    /// <summary>Details for the problem answers the framework makes by status alone.</summary>
    public static void Describe(ProblemDetailsContext context)
    {
        // A validation problem speaks through its errors, field by field.
        if (!IsApiRequest(context.HttpContext) || context.ProblemDetails is HttpValidationProblemDetails)
        {
            return;
        }

        var problem = context.ProblemDetails;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status400BadRequest => "The request could not be read: check its address, query and body against the API reference at " + StudioApi.DocsPath + ".",
            StatusCodes.Status404NotFound => "There is nothing at this address. The API reference is at " + StudioApi.DocsPath + ".",
            StatusCodes.Status405MethodNotAllowed => "This address does not take that method. The API reference is at " + StudioApi.DocsPath + ".",
            StatusCodes.Status413PayloadTooLarge => TooLarge(context.HttpContext),
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON, with 'Content-Type: application/json'.",
            StatusCodes.Status500InternalServerError => "Something went wrong in the studio. Try again; if it keeps happening, the server's log says why.",
            _ => null,
        };
    }

    private static async Task CheckBodyAsync(HttpContext context, RequestDelegate next)
    {
        var limit = BodyLimit(context.RequestServices.GetRequiredService<IOptions<StudioOptions>>().Value.MaxUploadBytes);
        // Kestrel then stops a body without a length (chunked) at the same size, with a 413 instead of a dropped connection.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context);
            return;
        }

        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 } && !IsJson(context.Request.ContentType))
        {
            await Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>application/json or a +json type. No Content-Type at all is read as JSON, as A1111 (FastAPI) does.</summary>
    private static bool IsJson(string? contentType) =>
        contentType is null
        || (MediaTypeHeaderValue.TryParse(contentType, out var type)
            && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    private static string TooLarge(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<StudioOptions>>().Value;
        return string.Create(CultureInfo.InvariantCulture,
            $"The request body is larger than the {BodyLimit(options.MaxUploadBytes)} bytes the API accepts (an init image may be up to {options.MaxUploadBytes} bytes before base64).");
    }
}
