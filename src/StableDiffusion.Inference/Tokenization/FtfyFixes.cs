using System.Text;
using System.Text.RegularExpressions;

namespace StableDiffusion.Inference.Tokenization;

/// <summary>
/// The fixes of ftfy.fix_text (6.x defaults) that change text people type, which CLIP's tokenizer applies before BPE:
/// Latin ligatures split (ﬁ → fi), fullwidth and halfwidth forms to their usual width (（ → (), curly quotes
/// straightened, then NFC. ftfy's mojibake repair (text decoded with the wrong codec) is left out: prompts typed into a
/// browser arrive as proper Unicode.
/// </summary>
internal static partial class FtfyFixes
{
    public static string Apply(string text)
    {
        if (Ascii().IsMatch(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                // fix_latin_ligatures: ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ and Ĳ ĳ.
                >= '\uFB00' and <= '\uFB06' or '\u0132' or '\u0133' => c.ToString().Normalize(NormalizationForm.FormKC),
                // fix_character_width: U+FF01..U+FFEF to their compatibility form, and the ideographic space.
                >= '\uFF01' and <= '\uFFEF' => c.ToString().Normalize(NormalizationForm.FormKC),
                '\u3000' => " ",
                // uncurl_quotes: ftfy's SINGLE_QUOTE_RE [\u02bc\u2018-\u201b] and DOUBLE_QUOTE_RE [\u201c-\u201f].
                '\u02BC' or (>= '\u2018' and <= '\u201B') => "'",
                >= '\u201C' and <= '\u201F' => "\"",
                _ => c.ToString(),
            });
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    [GeneratedRegex(@"^[\x00-\x7F]*$")]
    private static partial Regex Ascii();
}
