using System.Text.Json;
using System.Text.Json.Nodes;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// Reads a JSON request body for either API. Every string and property name is decoded once here, so text that is
/// not Unicode (a lone UTF-16 surrogate such as <c>"\ud800"</c>, bytes that are not UTF-8) is a 400 at the door
/// instead of an exception wherever a handler first touches the value. The caller gets a sentence; the log gets the
/// parser's own message.
/// </summary>
public static partial class ApiJsonBody
{
    private const string NotUnicode = "The body has text that is not valid Unicode (a lone surrogate escape such as \\ud800, or bytes that are not UTF-8).";

    /// <summary>The parsed body, or null and a message for the caller.</summary>
    public static async Task<(JsonNode? Body, string? Error)> ReadAsync(HttpContext context)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiJsonBody));
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException ex)
        {
            LogRefused(logger, context.Request.Path, ex);
            return (null, ex.LineNumber is null
                ? "The body is not valid JSON."
                : $"The body is not valid JSON: the error is on line {ex.LineNumber + 1}, at byte {ex.BytePositionInLine + 1}.");
        }

        try
        {
            DecodeText(body);
        }
        catch (InvalidOperationException ex)
        {
            LogRefused(logger, context.Request.Path, ex);
            return (null, NotUnicode);
        }

        return (body, null);
    }

    /// <summary>Logs the parser's own words for a body refused elsewhere (a value of the wrong type).</summary>
    public static void LogRefused(HttpContext context, Exception exception) =>
        LogRefused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiJsonBody)), context.Request.Path, exception);

    private static void DecodeText(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject properties:
                foreach (var (_, value) in properties)
                {
                    DecodeText(value);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    DecodeText(item);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                _ = value.GetValue<string>();
                break;
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Refused the request body of {Path}")]
    private static partial void LogRefused(ILogger logger, PathString path, Exception exception);
}
