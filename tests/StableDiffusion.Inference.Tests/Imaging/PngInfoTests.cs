using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class PngInfoTests
{
    [Fact]
    public void ParametersAreWrittenAsTextChunkAndReadBack()
    {
        using var image = Sample();
        const string parameters = "a red circle\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 8x8";

        var png = PngInfo.Encode(image, parameters);

        Assert.Equal(parameters, PngInfo.ReadParameters(png));
        Assert.Equal(["tEXt"], TextChunkTypes(png));
    }

    [Fact]
    public void TextLongerThanImageSharpsCompressionThresholdStaysTextChunk()
    {
        using var image = Sample();
        var parameters = string.Join(", ", Enumerable.Repeat("masterpiece", 200)) + "\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 8x8";
        Assert.True(parameters.Length > 1024);

        var png = PngInfo.Encode(image, parameters);

        Assert.Equal(parameters, PngInfo.ReadParameters(png));
        Assert.Equal(["tEXt"], TextChunkTypes(png));
    }

    [Fact]
    public void NonLatinTextBecomesInternationalTextChunk()
    {
        using var image = Sample();
        const string parameters = "富士山, 🐶 dog\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 8x8";

        var png = PngInfo.Encode(image, parameters);

        Assert.Equal(parameters, PngInfo.ReadParameters(png));
        Assert.Equal(["iTXt"], TextChunkTypes(png));
    }

    [Fact]
    public void SamePixelsAndTextGiveSameBytes()
    {
        using var first = Sample();
        using var second = Sample();
        second.Metadata.GetPngMetadata().TextData.Add(new PngTextData("comment", "left over from an upload", "", ""));

        Assert.Equal(PngInfo.Encode(first, "x"), PngInfo.Encode(second, "x"));
    }

    [Fact]
    public void PixelsSurviveEncoding()
    {
        using var image = Sample();

        using var decoded = Image.Load<Rgb24>(PngInfo.Encode(image, "x"));

        Assert.Equal(image[3, 5], decoded[3, 5]);
        Assert.Equal(image[7, 0], decoded[7, 0]);
    }

    [Fact]
    public void CompressedTextChunkIsRead()
    {
        using var image = Sample();
        image.Metadata.GetPngMetadata().TextData.Add(new PngTextData("parameters", new string('a', 3000), "", ""));
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { TextCompressionThreshold = 10 });

        Assert.Equal(["zTXt"], TextChunkTypes(stream.ToArray()));
        Assert.Equal(new string('a', 3000), PngInfo.ReadParameters(stream.ToArray()));
    }

    [Fact]
    public void CompressedTextThatInflatesPastOneMegabyteIsIgnored()
    {
        using var image = Sample();
        var png = PngInfo.Encode(image, [new("studio_metadata", "{}")]);
        var bomb = WithChunk(png, "zTXt", [.. "parameters"u8, 0, 0, .. Deflate(new byte[4 << 20])]);

        Assert.Null(PngInfo.ReadParameters(bomb));
        Assert.Equal("{}", PngInfo.ReadText(bomb, "studio_metadata"));
    }

    [Fact]
    public void OtherKeywordsAndNonPngBytesHaveNoParameters()
    {
        using var image = Sample();
        var png = PngInfo.Encode(image, [new("studio_metadata", "{}")]);

        Assert.Null(PngInfo.ReadParameters(png));
        Assert.Equal("{}", PngInfo.ReadText(png, "studio_metadata"));
        Assert.Null(PngInfo.ReadParameters("not a png at all"u8));
    }

    private static Image<Rgb24> Sample()
    {
        var image = new Image<Rgb24>(8, 8);
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 30), (byte)(y * 30), 77);
            }
        }

        return image;
    }

    private static List<string> TextChunkTypes(byte[] png)
    {
        var types = new List<string>();
        for (var position = 8; position + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            var type = Encoding.ASCII.GetString(png, position + 4, 4);
            if (type is "tEXt" or "zTXt" or "iTXt")
            {
                types.Add(type);
            }

            position += 12 + length;
        }

        return types;
    }

    /// <summary>Inserts a chunk right after IHDR (CRC left zero: the reader does not need it).</summary>
    private static byte[] WithChunk(byte[] png, string type, byte[] data)
    {
        var afterHeader = 8 + 12 + 13;
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        return [.. png[..afterHeader], .. chunk, .. png[afterHeader..]];
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }
}
