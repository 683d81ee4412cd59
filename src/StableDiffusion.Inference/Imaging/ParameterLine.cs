using System.Globalization;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// The key/value pairs of an infotext's parameters line, exactly as A1111's <c>re_param_code</c>
/// (<c>\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)</c>, modules/infotext_utils.py) finds them, but in one pass:
/// that regex backtracks, and on a long run of letters without a colon it costs time quadratic in the line (32 KiB took
/// six seconds), which anyone could trigger with an uploaded PNG.
/// </summary>
internal static class ParameterLine
{
    /// <summary>Each pair's key as written and its raw value (quotes kept), in order; <paramref name="line"/> holds no '\n'.</summary>
    public static List<KeyValuePair<string, string>> Split(string line)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var position = 0;
        while (position < line.Length)
        {
            var keyStart = position;
            while (keyStart < line.Length && char.IsWhiteSpace(line[keyStart]))
            {
                keyStart++;
            }

            if (keyStart == line.Length || !IsWordChar(line[keyStart]))
            {
                position = keyStart + 1;
                continue;
            }

            // A key is the whole run of key characters: ':' is not one, so a run that does not end in a colon holds
            // no key that does, and no match can start anywhere inside it. Skipping it is what keeps the scan linear.
            var keyEnd = keyStart + 1;
            while (keyEnd < line.Length && IsKeyChar(line[keyEnd]))
            {
                keyEnd++;
            }

            if (keyEnd - keyStart < 2 || keyEnd == line.Length || line[keyEnd] != ':')
            {
                position = keyEnd;
                continue;
            }

            var valueStart = keyEnd + 1;
            while (valueStart < line.Length && char.IsWhiteSpace(line[valueStart]))
            {
                valueStart++;
            }

            var valueEnd = QuotedEnd(line, valueStart);
            if (valueEnd < 0)
            {
                valueEnd = line.IndexOf(',', valueStart);
                valueEnd = valueEnd < 0 ? line.Length : valueEnd;
            }

            pairs.Add(new(line[keyStart..keyEnd], line[valueStart..valueEnd]));
            position = valueEnd + 1;
        }

        return pairs;
    }

    /// <summary>
    /// The end of the quoted alternative <c>"(?:\\.|[^\\"])+"</c> when it matches and a comma or the end follows it,
    /// otherwise -1 (and the value is everything up to the next comma). An escape never stops at an opening quote of a
    /// later value (that quote follows ':' or a space, not a backslash), so these scans never overlap.
    /// </summary>
    private static int QuotedEnd(string line, int start)
    {
        if (start >= line.Length || line[start] != '"')
        {
            return -1;
        }

        var end = start + 1;
        while (end < line.Length && line[end] != '"')
        {
            if (line[end] == '\\' && (end + 1 == line.Length || line[end + 1] == '\n'))
            {
                return -1;
            }

            end += line[end] == '\\' ? 2 : 1;
        }

        if (end >= line.Length || end == start + 1)
        {
            return -1;
        }

        return end + 1 == line.Length || line[end + 1] == ',' ? end + 1 : -1;
    }

    private static bool IsKeyChar(char c) => IsWordChar(c) || c is ' ' or '-' or '/';

    // .NET's \w: letters, non-spacing marks, decimal digits and connector punctuation (a test checks every char).
    private static bool IsWordChar(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;
}
