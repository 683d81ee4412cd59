using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StableDiffusion.Inference.Prompting;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// <c>sd prompt TEXT</c>: what A1111 makes of a prompt before its text encoder runs, as one JSON object shaped like
/// tests/fixtures/golden/prompt-weighting.json's cases: the weighted fragments, the 77-token chunks with their
/// multipliers, and the token count of the "N/75" counter.
/// </summary>
internal static class PromptCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The prompt, with (weights:1.2), [less] and BREAK as in A1111" };
        var tokenizerOptions = new TokenizerOptions();
        var emphasis = new Option<string>("--emphasis")
        {
            Description = "original (A1111's default) or no-norm parse weights; none reads brackets and BREAK as plain text",
            DefaultValueFactory = _ => "original",
        };
        emphasis.AcceptOnlyFromAmong("original", "no-norm", "none");

        var command = new Command("prompt", "Print a prompt's weighted fragments, 77-token chunks and token count as one JSON object")
        {
            text, tokenizerOptions.Model, tokenizerOptions.Vocab, emphasis,
        };
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var tokenizer = tokenizerOptions.Load(parseResult, error);
            if (tokenizer is null)
            {
                return 1;
            }

            var mode = EmphasisModes.FromName(parseResult.GetValue(emphasis)!.Replace("-", "", StringComparison.Ordinal)) ?? EmphasisMode.Original;
            WeightedPrompt prompt;
            try
            {
                prompt = PromptChunker.Chunk(tokenizer, parseResult.GetValue(text) ?? "", mode);
            }
            catch (PromptSyntaxException exception)
            {
                error.WriteLine($"error: {exception.Message}");
                return 1;
            }

            parseResult.InvocationConfiguration.Output.WriteLine(Json(prompt));
            return 0;
        });
        return command;
    }

    /// <summary>The JSON, with weights written as Python's json writes floats (1.0, 1.2100000000000002), to diff against A1111's.</summary>
    internal static string Json(WeightedPrompt prompt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("parsed");
            foreach (var fragment in prompt.Fragments)
            {
                json.WriteStartArray();
                json.WriteStringValue(fragment.Text);
                // A1111's BREAK marker is the integer -1.
                json.WriteRawValue(fragment.IsBreak ? "-1" : PythonFloat(fragment.Weight));
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("chunks");
            foreach (var chunk in prompt.Chunks)
            {
                json.WriteStartObject();
                json.WriteStartArray("tokens");
                foreach (var token in chunk.Tokens)
                {
                    json.WriteNumberValue(token);
                }
                json.WriteEndArray();
                json.WriteStartArray("multipliers");
                foreach (var multiplier in chunk.Multipliers)
                {
                    json.WriteRawValue(PythonFloat(multiplier));
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("token_count", prompt.TokenCount);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Python's repr of a float: the shortest round-trip digits, with ".0" on whole numbers.</summary>
    private static string PythonFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }
}
