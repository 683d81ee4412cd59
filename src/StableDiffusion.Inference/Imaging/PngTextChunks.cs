using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// Walks PNG chunks for text without decoding pixels. Written here rather than read through ImageSharp because its
/// decoder inflates zTXt/iTXt with no size limit, and a few kilobytes of deflate can claim a gigabyte of text.
/// </summary>
internal static class PngTextChunks
{
    private const int MaxTextBytes = 1 << 20;
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static string? Find(ReadOnlySpan<byte> png, string keyword)
    {
        if (!png.StartsWith(Signature))
        {
            return null;
        }

        var position = Signature.Length;
        while (position + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            var type = Encoding.ASCII.GetString(png.Slice(position + 4, 4));
            if (length > png.Length - position - 12)
            {
                return null;
            }

            var data = png.Slice(position + 8, (int)length);
            var text = type switch
            {
                "tEXt" => ReadText(data, keyword),
                "zTXt" => ReadCompressedText(data, keyword),
                "iTXt" => ReadInternationalText(data, keyword),
                _ => null,
            };
            if (text is not null || type == "IEND")
            {
                return text;
            }

            position += 12 + (int)length;
        }

        return null;
    }

    // tEXt: keyword, NUL, Latin-1 text.
    private static string? ReadText(ReadOnlySpan<byte> data, string keyword) =>
        SplitKeyword(data, keyword, out var rest) ? Encoding.Latin1.GetString(rest) : null;

    // zTXt: keyword, NUL, compression method (0 = zlib), zlib stream of Latin-1 text.
    private static string? ReadCompressedText(ReadOnlySpan<byte> data, string keyword)
    {
        if (!SplitKeyword(data, keyword, out var rest) || rest.Length < 1 || rest[0] != 0)
        {
            return null;
        }

        var inflated = Inflate(rest[1..]);
        return inflated is null ? null : Encoding.Latin1.GetString(inflated);
    }

    // iTXt: keyword, NUL, compression flag, method, language tag, NUL, translated keyword, NUL, UTF-8 text.
    private static string? ReadInternationalText(ReadOnlySpan<byte> data, string keyword)
    {
        if (!SplitKeyword(data, keyword, out var rest) || rest.Length < 2)
        {
            return null;
        }

        var compressed = rest[0] == 1;
        rest = rest[2..];
        for (var skip = 0; skip < 2; skip++)
        {
            var end = rest.IndexOf((byte)0);
            if (end < 0)
            {
                return null;
            }

            rest = rest[(end + 1)..];
        }

        if (!compressed)
        {
            return Encoding.UTF8.GetString(rest);
        }

        var inflated = Inflate(rest);
        return inflated is null ? null : Encoding.UTF8.GetString(inflated);
    }

    private static bool SplitKeyword(ReadOnlySpan<byte> data, string keyword, out ReadOnlySpan<byte> rest)
    {
        var end = data.IndexOf((byte)0);
        rest = end < 0 ? default : data[(end + 1)..];
        return end >= 0 && Encoding.Latin1.GetString(data[..end]) == keyword;
    }

    /// <summary>Null for a corrupt stream or one that inflates past <see cref="MaxTextBytes"/>.</summary>
    private static byte[]? Inflate(ReadOnlySpan<byte> zlib)
    {
        try
        {
            using var input = new ZLibStream(new MemoryStream(zlib.ToArray()), CompressionMode.Decompress);
            var buffer = new byte[MaxTextBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = input.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return total > MaxTextBytes ? null : buffer[..total];
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
