using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

public sealed class SafeImageDecoderTests
{
    [Fact]
    public void SmallPngIsDecoded()
    {
        using var decoded = SafeImageDecoder.Decode(Encode(new PngEncoder()));

        Assert.Equal((12, 10), (decoded.Width, decoded.Height));
        Assert.Equal(new Rgb24(200, 40, 90), decoded[5, 5]);
    }

    [Fact]
    public void SmallJpegIsDecoded()
    {
        using var decoded = SafeImageDecoder.Decode(Encode(new JpegEncoder { Quality = 95 }));

        Assert.Equal((12, 10), (decoded.Width, decoded.Height));
        Assert.InRange(decoded[5, 5].R, 190, 210);
    }

    [Fact]
    public void SmallLosslessWebpIsDecoded()
    {
        using var decoded = SafeImageDecoder.Decode(Encode(new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }));

        Assert.Equal((12, 10), (decoded.Width, decoded.Height));
        Assert.Equal(new Rgb24(200, 40, 90), decoded[5, 5]);
    }

    [Fact]
    public void IdentifyNamesTheFormatFromTheHeader()
    {
        Assert.Equal((12, 10, "PNG"), SafeImageDecoder.Identify(Encode(new PngEncoder())));
    }

    // One side past the limit is enough: a 4097×16 or 16×5000 strip is no smaller a bomb once its other side is read.
    [Theory]
    [InlineData(5000, 5000)]
    [InlineData(4097, 16)]
    [InlineData(16, 5000)]
    public void HeaderDeclaringASidePast4096IsRefusedBeforeDecoding(int width, int height)
    {
        var png = Encode(new PngEncoder());
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));

        var error = Assert.Throws<InvalidImageException>(() => SafeImageDecoder.Decode(png));

        Assert.Contains($"{width}×{height}", error.Message);
        Assert.Contains("4096×4096", error.Message);
    }

    [Fact]
    public void GifIsRefusedAsUnsupportedFormat()
    {
        var error = Assert.Throws<InvalidImageException>(() => SafeImageDecoder.Decode(Encode(new GifEncoder())));

        Assert.Contains("PNG, JPEG and WebP", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello, this is a text file and not an image")]
    public void NonImageBytesAreRefused(string text)
    {
        Assert.Throws<InvalidImageException>(() => SafeImageDecoder.Decode(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void PngWithDamagedPixelDataIsRefused()
    {
        var png = Encode(new PngEncoder());
        var idat = png.AsSpan().IndexOf("IDAT"u8);
        png.AsSpan(idat + 4, 8).Fill(0xFF);

        Assert.Throws<InvalidImageException>(() => SafeImageDecoder.Decode(png));
    }

    private static byte[] Encode(SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var image = new Image<Rgb24>(12, 10, new Rgb24(200, 40, 90));
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
