using System.Text.RegularExpressions;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class ParameterLineTests
{
    // A1111's re_param_code (modules/infotext_utils.py), the backtracking regex the scanner replaces.
    private static readonly Regex A1111Parameter = new(@"\s*(\w[\w \-/]+):\s*(""(?:\\.|[^\\""])+""|[^,]*)(?:,|$)");

    [Fact]
    public void SplitFindsWhatA1111sRegexFindsOnRandomLines()
    {
        // Few distinct characters, so that keys, colons, quotes, escapes and commas meet in every combination.
        const string alphabet = "ab :,\"\\-/\t\u00e9!1_";
        var random = new Random(20261130);
        for (var i = 0; i < 50_000; i++)
        {
            var line = new string([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);

            Assert.True(A1111Matches(line).SequenceEqual(ParameterLine.Split(line)), $"line: {line}");
        }
    }

    [Fact]
    public void SplitReadsQuotedValuesWithEscapedQuotesAndCommas()
    {
        var pairs = ParameterLine.Split("Steps: 20, Lora hashes: \"a: 1, b: \\\"2\\\"\", Size: 64x64");

        Assert.Equal(
            [KeyValuePair.Create("Steps", "20"), KeyValuePair.Create("Lora hashes", "\"a: 1, b: \\\"2\\\"\""), KeyValuePair.Create("Size", "64x64")],
            pairs);
    }

    [Fact]
    public void EveryCharacterIsClassedAsTheRegexClassesIt()
    {
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            // Lines are split on '\n' before they get here.
            if (c == '\n')
            {
                continue;
            }

            // c where a key starts, inside a key, and between the colon and the value.
            foreach (var line in new[] { c + "x: v", "x" + c + ": v", "xy:" + c + "v" })
            {
                Assert.True(A1111Matches(line).SequenceEqual(ParameterLine.Split(line)), $"U+{(int)c:X4} in {line}");
            }
        }
    }

    [Fact]
    public void UnquoteDecodesWhatJsonDecodesAndKeepsEverythingElse()
    {
        const string alphabet = "\"\\/ubnrtx0aF\u0001\u00e9\ud83d\ude00";
        var random = new Random(1130);
        var values = Enumerable.Range(0, 50_000).Select(_ =>
        {
            var inner = new string([.. Enumerable.Range(0, random.Next(0, 10)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            return random.Next(4) == 0 ? inner : "\"" + inner + "\"";
        });
        string[] escapes = ["\"\\u00e9\"", "\"\\u00E9x\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\\""];

        foreach (var value in values.Concat(escapes))
        {
            Assert.Equal(JsonUnquote(value), Infotext.Unquote(value));
        }
    }

    // infotext_utils.unquote as the parser first wrote it: JSON when it parses, the text as it is when it does not.
    private static string JsonUnquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string>(value) ?? value;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException)
        {
            // ArgumentException: a lone surrogate, which the first parser let escape as a crash.
            return value;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> A1111Matches(string line) =>
        A1111Parameter.Matches(line).Select(m => KeyValuePair.Create(m.Groups[1].Value, m.Groups[2].Value));
}
