using Microsoft.AspNetCore.Http.HttpResults;

namespace StableDiffusion.Studio.Api;

/// <summary>The API's error answers, all application/problem+json (RFC 9457).</summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem($"No {what} with that id belongs to you.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult QueueFull(HttpResponse response, TimeSpan retryAfter, int limit)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            $"You already have {limit} jobs waiting, the most one user may queue. Try again in about {seconds} s, or cancel one.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many queued jobs");
    }

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>A 400 with one entry per request field, the studio's labels turned into the caller's field names.</summary>
    public static ValidationProblem Invalid(IEnumerable<KeyValuePair<string, string>> errors, Func<string, string> fieldName) =>
        TypedResults.ValidationProblem(errors
            .GroupBy(e => fieldName(e.Key))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Value).ToArray()));

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
