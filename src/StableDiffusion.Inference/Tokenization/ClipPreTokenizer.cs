using System.Text;

namespace StableDiffusion.Inference.Tokenization;

/// <summary>
/// The pieces simple_tokenizer.py's pattern finds:
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>.
/// </summary>
/// <remarks>
/// Scanned by Unicode scalar rather than with .NET's Regex, which classifies UTF-16 surrogates as neither letter nor
/// number and so would split letters and digits outside the BMP differently from Python.
/// </remarks>
internal static class ClipPreTokenizer
{
    private static readonly string[] Specials = ["<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    public static IEnumerable<string> Split(string text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var rune = Rune.GetRuneAt(text, position);
            var fixedPiece = MatchFixed(text, position);
            if (fixedPiece is not null)
            {
                yield return fixedPiece;
                position += fixedPiece.Length;
            }
            else if (Rune.IsLetter(rune))
            {
                var end = Scan(text, position, Rune.IsLetter);
                yield return text[position..end];
                position = end;
            }
            else if (Rune.IsNumber(rune))
            {
                // Each digit is its own piece: "2024" becomes four tokens.
                yield return rune.ToString();
                position += rune.Utf16SequenceLength;
            }
            else if (IsSpace(rune))
            {
                position += rune.Utf16SequenceLength;
            }
            else
            {
                var end = Scan(text, position, r => !IsSpace(r) && !Rune.IsLetter(r) && !Rune.IsNumber(r));
                yield return text[position..end];
                position = end;
            }
        }
    }

    private static string? MatchFixed(string text, int position)
    {
        foreach (var candidate in text[position] == '<' ? Specials : text[position] == '\'' ? Contractions : [])
        {
            if (string.CompareOrdinal(text, position, candidate, 0, candidate.Length) == 0)
            {
                return candidate;
            }
        }

        return null;
    }

    private static int Scan(string text, int position, Func<Rune, bool> belongs)
    {
        while (position < text.Length)
        {
            var rune = Rune.GetRuneAt(text, position);
            if (!belongs(rune))
            {
                break;
            }

            position += rune.Utf16SequenceLength;
        }

        return position;
    }

    private static bool IsSpace(Rune rune) => Rune.IsWhiteSpace(rune) || rune.Value is >= 0x1C and <= 0x1F;
}
