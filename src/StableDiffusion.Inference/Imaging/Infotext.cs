using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// A1111's "parameters" text: writer as modules/processing.py <c>create_infotext()</c>, parser as
/// modules/infotext_utils.py <c>parse_generation_parameters()</c>.
/// </summary>
public static partial class Infotext
{
    /// <summary>
    /// The longest text read, in characters. A1111's infotexts are a few KiB even with long prompts; the limit keeps the
    /// work an uploaded PNG can ask for small (png-info, "Settings from PNG" and img2img uploads all parse it).
    /// </summary>
    public const int MaxLength = 64 * 1024;

    private const string NegativePromptPrefix = "Negative prompt:";

    // create_infotext's key order. Extra keys found here go to their A1111 place; any other extra key goes between
    // "Tiling" and "Version", where A1111 puts extra_generation_params.
    private static readonly string[] KeysBeforeExtras =
    [
        "Steps", "Sampler", "Schedule type", "CFG scale", "Image CFG scale", "Seed", "Face restoration", "Size",
        "Model hash", "Model", "Batch size", "Batch pos", "FP8 weight", "Cache FP16 weight for LoRA", "VAE hash", "VAE", "Variation seed",
        "Variation seed strength", "Seed resize from", "Denoising strength", "Conditional mask weight", "Clip skip",
        "ENSD", "Token merging ratio", "Token merging ratio hr", "Init image hash", "RNG", "Tiling",
    ];

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly string[] KeysAfterExtras = ["Version", "User"];

    private static readonly HashSet<string> TypedKeys =
        ["Steps", "Sampler", "Schedule type", "CFG scale", "Seed", "Size", "Model hash", "Model", "Denoising strength", "RNG"];

    public static string Write(InfotextSettings settings)
    {
        var typed = new Dictionary<string, string?>
        {
            ["Steps"] = Format(settings.Steps),
            ["Sampler"] = settings.Sampler,
            ["Schedule type"] = settings.ScheduleType,
            ["CFG scale"] = Format(settings.CfgScale),
            ["Seed"] = Format(settings.Seed),
            ["Size"] = $"{Format(settings.Width)}x{Format(settings.Height)}",
            ["Model hash"] = settings.ModelHash,
            ["Model"] = settings.Model,
            ["Denoising strength"] = settings.DenoisingStrength is { } strength ? Format(strength) : null,
            ["RNG"] = settings.Rng is "GPU" ? null : settings.Rng,
        };

        string? ValueOf(string key) =>
            TypedKeys.Contains(key) ? typed[key] : settings.Extra.GetValueOrDefault(key);

        var keys = KeysBeforeExtras
            .Concat(settings.Extra.Keys.Where(k => !TypedKeys.Contains(k) && !KeysBeforeExtras.Contains(k) && !KeysAfterExtras.Contains(k)))
            .Concat(KeysAfterExtras);
        var parameters = string.Join(", ", keys
            .Select(key => (Key: key, Value: ValueOf(key)))
            .Where(pair => pair.Value is not null)
            .Select(pair => pair.Key == pair.Value ? pair.Key : $"{pair.Key}: {Quote(pair.Value!)}"));

        var negative = settings.NegativePrompt.Length > 0 ? $"\nNegative prompt: {settings.NegativePrompt}" : "";
        return $"{settings.Prompt}{negative}\n{parameters}".Trim();
    }

    /// <summary>
    /// The settings of an A1111 infotext; <see cref="FormatException"/> when it is longer than <see cref="MaxLength"/> or
    /// lacks a readable parameters line.
    /// </summary>
    public static InfotextSettings Parse(string text) =>
        text.Length > MaxLength
            ? throw new FormatException($"The text is {text.Length} characters long; infotexts past {MaxLength} characters are not read.")
            : TryParse(text, out var settings)
                ? settings
                : throw new FormatException("The text has no A1111 parameters line with Steps, Sampler, CFG scale, Seed and Size.");

    /// <summary>False when the text is longer than <see cref="MaxLength"/> or lacks a readable parameters line.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out InfotextSettings? settings)
    {
        settings = null;
        if (text.Length > MaxLength)
        {
            return false;
        }

        var lines = text.Trim().Split('\n').ToList();
        var lastLine = lines[^1];
        lines.RemoveAt(lines.Count - 1);

        var pairs = ParameterLine.Split(lastLine);
        if (pairs.Count < 3)
        {
            // Not a parameters line: it belongs to the prompt, and there are no settings to read.
            return false;
        }

        var (prompt, negative) = SplitPrompts(lines);
        var values = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            values[key.Trim()] = Unquote(value);
        }

        if (!TryGetInt(values, "Steps", out var steps)
            || !values.TryGetValue("Sampler", out var sampler)
            || !TryGetDouble(values, "CFG scale", out var cfgScale)
            || !values.TryGetValue("Seed", out var seedText)
            || !long.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            || !values.TryGetValue("Size", out var size)
            || Size().Match(size) is not { Success: true } sizeMatch
            || !int.TryParse(sizeMatch.Groups[1].Value, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(sizeMatch.Groups[2].Value, CultureInfo.InvariantCulture, out var height))
        {
            return false;
        }

        settings = new InfotextSettings(prompt, negative, steps, sampler, cfgScale, seed, width, height)
        {
            ScheduleType = values.GetValueOrDefault("Schedule type"),
            ModelHash = values.GetValueOrDefault("Model hash"),
            Model = values.GetValueOrDefault("Model"),
            DenoisingStrength = TryGetDouble(values, "Denoising strength", out var strength) ? strength : null,
            Rng = values.GetValueOrDefault("RNG"),
            Extra = new OrderedDictionary<string, string>(values.Where(pair => !TypedKeys.Contains(pair.Key)), StringComparer.Ordinal),
        };
        return true;
    }

    private static (string Prompt, string Negative) SplitPrompts(List<string> lines)
    {
        var prompt = new StringBuilder();
        var negative = new StringBuilder();
        var inNegative = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith(NegativePromptPrefix, StringComparison.Ordinal))
            {
                inNegative = true;
                line = line[NegativePromptPrefix.Length..].Trim();
            }

            var target = inNegative ? negative : prompt;
            target.Append(target.Length == 0 ? "" : "\n").Append(line);
        }

        return (prompt.ToString(), negative.ToString());
    }

    /// <summary>infotext_utils.quote: JSON (ensure_ascii=False) when the value holds a comma, newline or colon.</summary>
    private static string Quote(string value)
    {
        if (value.IndexOfAny([',', '\n', ':']) < 0)
        {
            return value;
        }

        var json = new StringBuilder("\"", value.Length + 2);
        foreach (var c in value)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return json.Append('"').ToString();
    }

    /// <summary>A JSON-quoted value decoded, as infotext_utils.unquote; anything else as it is.</summary>
    internal static string Unquote(string value)
    {
        // Checked before deserializing: a line of thousands of values like "\" would otherwise throw as many exceptions.
        if (!IsJsonString(value))
        {
            return value;
        }

        try
        {
            return JsonSerializer.Deserialize<string>(value) ?? value;
        }
        catch (JsonException)
        {
            return value;
        }
    }

    /// <summary>Whether the value is one JSON string token: quotes around characters and escapes that JSON allows.</summary>
    private static bool IsJsonString(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return false;
        }

        var end = value.Length - 1;
        for (var i = 1; i < end; i++)
        {
            switch (value[i])
            {
                case '"' or < ' ':
                    return false;
                case >= '\ud800' and <= '\udfff' when char.IsHighSurrogate(value[i]) && i + 1 < end && char.IsLowSurrogate(value[i + 1]):
                    i++;
                    break;
                case >= '\ud800' and <= '\udfff':
                    // A lone surrogate cannot be transcoded to UTF-8 (the deserializer would throw ArgumentException).
                    return false;
                case '\\' when i + 1 < end && value[i + 1] is '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't':
                    i++;
                    break;
                case '\\' when i + 5 < end && value[i + 1] == 'u' && value.AsSpan(i + 2, 4).ContainsAnyExcept(HexDigits) is false:
                    i += 5;
                    break;
                case '\\':
                    return false;
            }
        }

        return true;
    }

    private static bool TryGetInt(OrderedDictionary<string, string> values, string key, out int result)
    {
        result = 0;
        return values.TryGetValue(key, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out result);
    }

    // Python's str() gives "7.0" for API floats and "7" for UI sliders; both parse.
    private static bool TryGetDouble(OrderedDictionary<string, string> values, string key, out double result)
    {
        result = 0;
        return values.TryGetValue(key, out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+)x(\d+)$")]
    private static partial Regex Size();
}
