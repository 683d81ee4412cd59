using System.Text;

namespace StableDiffusion.Inference.Tokenization;

/// <summary>
/// simple_tokenizer.py <c>bytes_to_unicode()</c>: every UTF-8 byte becomes one printable character, so BPE runs on
/// bytes without whitespace or control characters in the vocabulary.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();

    public static string Encode(string piece)
    {
        var bytes = Encoding.UTF8.GetBytes(piece);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = ByteToChar[bytes[i]];
        }

        return new string(chars);
    }

    private static char[] Build()
    {
        // Printable bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the others take U+0100 onwards in order.
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }
}
