using System.Globalization;
using System.Text.RegularExpressions;

namespace StableDiffusion.Inference.Prompting;

/// <summary>
/// A1111's attention syntax: <c>(text)</c> ×1.1, <c>[text]</c> ÷1.1, <c>(text:1.5)</c>, nesting, <c>\(</c> escapes and
/// <c>BREAK</c>, as <c>parse_prompt_attention</c> in modules/prompt_parser.py (v1.10.1) reads them, unbalanced brackets
/// included. Weights multiply in double in A1111's order, so equal weights merge exactly as they do there.
/// </summary>
public static partial class PromptAttentionParser
{
    public const string BreakKeyword = "BREAK";

    private const double RoundBracketMultiplier = 1.1;

    // A multiplication by 1/1.1, not a division by 1.1: the two differ in the last bit for some weights.
    private const double SquareBracketMultiplier = 1 / 1.1;

    /// <summary>The fragments of <paramref name="prompt"/>; never empty (no text gives one empty fragment of weight 1).</summary>
    /// <exception cref="PromptSyntaxException">A weight such as <c>(x:1.2.3)</c> that is no number (A1111 crashes on it).</exception>
    public static IReadOnlyList<PromptFragment> Parse(string prompt)
    {
        var fragments = new List<(string Text, double Weight)>();
        var roundBrackets = new Stack<int>();
        var squareBrackets = new Stack<int>();

        void MultiplyRange(int start, double multiplier)
        {
            for (var i = start; i < fragments.Count; i++)
            {
                fragments[i] = (fragments[i].Text, fragments[i].Weight * multiplier);
            }
        }

        foreach (Match match in Attention().Matches(prompt))
        {
            var token = match.Value;
            var weight = match.Groups[1];
            if (token.StartsWith('\\'))
            {
                fragments.Add((token[1..], 1.0));
            }
            else if (token == "(")
            {
                roundBrackets.Push(fragments.Count);
            }
            else if (token == "[")
            {
                squareBrackets.Push(fragments.Count);
            }
            else if (weight.Success && roundBrackets.Count > 0)
            {
                MultiplyRange(roundBrackets.Pop(), ParseWeight(weight.Value, token));
            }
            else if (token == ")" && roundBrackets.Count > 0)
            {
                MultiplyRange(roundBrackets.Pop(), RoundBracketMultiplier);
            }
            else if (token == "]" && squareBrackets.Count > 0)
            {
                MultiplyRange(squareBrackets.Pop(), SquareBracketMultiplier);
            }
            else
            {
                var parts = Break().Split(token);
                for (var i = 0; i < parts.Length; i++)
                {
                    if (i > 0)
                    {
                        fragments.Add((BreakKeyword, -1));
                    }
                    fragments.Add((parts[i], 1.0));
                }
            }
        }

        // Brackets left open apply from where they opened: all round ones first, then all square ones, each in the
        // order Python iterates its list (oldest first).
        foreach (var position in roundBrackets.Reverse())
        {
            MultiplyRange(position, RoundBracketMultiplier);
        }
        foreach (var position in squareBrackets.Reverse())
        {
            MultiplyRange(position, SquareBracketMultiplier);
        }

        if (fragments.Count == 0)
        {
            return [new PromptFragment("", 1.0)];
        }

        var merged = new List<PromptFragment> { new(fragments[0].Text, fragments[0].Weight) };
        foreach (var (text, weight) in fragments.Skip(1))
        {
            if (merged[^1].Weight == weight)
            {
                merged[^1] = merged[^1] with { Text = merged[^1].Text + text };
            }
            else
            {
                merged.Add(new PromptFragment(text, weight));
            }
        }
        return merged;
    }

    private static double ParseWeight(string number, string token) =>
        double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new PromptSyntaxException($"The weight in '{token}' is not a number: write it as in (word:1.2).");

    // prompt_parser.py re_attention, alternative by alternative; Python's \s also matches U+001C..U+001F.
    [GeneratedRegex("""
        \\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:[\s\x1C-\x1F]*([+-]?[.\d]+)[\s\x1C-\x1F]*\)|\)|]|[^\\()\[\]:]+|:
        """)]
    private static partial Regex Attention();

    [GeneratedRegex(@"[\s\x1C-\x1F]*\bBREAK\b[\s\x1C-\x1F]*", RegexOptions.Singleline)]
    private static partial Regex Break();
}
