using System.Globalization;
using System.Net.Mime;
using Microsoft.Net.Http.Headers;

namespace StableDiffusion.Studio.Sharing;

/// <summary>
/// What a 429 says, so it never falls through to the not-found page: problem+json (RFC 9457) for programs, one short
/// sentence of HTML for browsers; Retry-After either way.
/// </summary>
public static class TooManyRequestsBody
{
    public static async ValueTask WriteAsync(HttpContext context, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = $"Too many requests. Try again in {seconds} seconds.";

        if (WantsHtml(context.Request))
        {
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(
                $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many requests</title></head><body><h1>Too many requests</h1><p>{detail}</p></body></html>",
                cancellationToken);
            return;
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }

    private static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaTypeNames.Text.Html, StringComparison.OrdinalIgnoreCase));
}
