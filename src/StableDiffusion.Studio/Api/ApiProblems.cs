using Microsoft.AspNetCore.Http.HttpResults;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Api;

/// <summary>The API's error answers, all application/problem+json (RFC 9457).</summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem($"No {what} with that id belongs to you.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>
    /// The answer to a submission that was not queued, for both APIs: 400 with one entry per setting under the
    /// caller's field names, 429 with Retry-After for a full queue or too many submissions, 503 with Retry-After for a
    /// database locked by another process, or 507 for a drive without room for the images.
    /// </summary>
    public static ProblemHttpResult Refused(SubmitOutcome outcome, IReadOnlyDictionary<Setting, string> fieldNames, HttpResponse response)
    {
        switch (outcome)
        {
            case SubmitOutcome.Invalid invalid:
                var errors = invalid.Errors
                    .GroupBy(e => fieldNames[e.Key])
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Value).ToArray());
                return TypedResults.Problem(new HttpValidationProblemDetails(errors)
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more validation errors occurred.",
                });
            case SubmitOutcome.QueueFull full:
                return TooManyRequests(response, full.RetryAfter, "Too many queued jobs",
                    $"You already have {full.Limit} jobs waiting, the most one user may queue. Try again in about {Seconds(full.RetryAfter)} s, or cancel one.");
            case SubmitOutcome.RateLimited limited:
                return TooManyRequests(response, limited.RetryAfter, "Too many submissions",
                    $"You have sent {limited.PerMinute} jobs in the last minute, the most one user may. Try again in about {Seconds(limited.RetryAfter)} s.");
            case SubmitOutcome.DiskFull:
                return InsufficientStorage("The server is low on disk space and takes no new jobs until some is freed.");
            case SubmitOutcome.Busy busy:
                response.Headers.RetryAfter = Seconds(busy.RetryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem($"The database is busy with another writer. Try again in about {Seconds(busy.RetryAfter)} s.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database busy");
            default:
                throw new ArgumentException($"{outcome} is not a refusal.", nameof(outcome));
        }
    }

    /// <summary>A 507: a job refused or failed because the data directory's drive is full.</summary>
    public static ProblemHttpResult InsufficientStorage(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status507InsufficientStorage, title: "Insufficient Storage");

    private static ProblemHttpResult TooManyRequests(HttpResponse response, TimeSpan retryAfter, string title, string detail)
    {
        response.Headers.RetryAfter = Seconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: title);
    }

    private static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>A 400 with one entry per request field, already in the caller's field names.</summary>
    public static ValidationProblem Invalid(IEnumerable<KeyValuePair<string, string>> errors) =>
        TypedResults.ValidationProblem(errors.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Select(e => e.Value).ToArray()));

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
