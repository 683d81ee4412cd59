using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Inpainting;

namespace StableDiffusion.Inference.Tests.Inpainting;

public sealed class MaskPreparationTests
{
    [Fact]
    public void AnOpaqueMaskIsReadAsPilsLuminance()
    {
        var png = Masks.Png(2, 1, (x, _) => x == 0 ? new Rgb24(255, 0, 0) : new Rgb24(0, 0, 255));

        using var mask = InpaintMask.Read(png, 2, 1);

        // PIL: L = R·299/1000 + G·587/1000 + B·114/1000 → 76 and 29.
        Assert.Equal([76, 29], InpaintMask.Levels(mask));
    }

    [Fact]
    public void AMaskWithTransparencyIsItsAlphaCutAt128()
    {
        using var image = new Image<Rgba32>(3, 1);
        (image[0, 0], image[1, 0], image[2, 0]) = (new Rgba32(0, 0, 0, 255), new Rgba32(0, 0, 0, 128), new Rgba32(255, 255, 255, 0));

        using var mask = InpaintMask.Read(Masks.Encode(image), 3, 1);

        Assert.Equal([255, 0, 0], InpaintMask.Levels(mask));
    }

    [Fact]
    public void AMaskOfAnotherSizeIsStretchedToTheImage()
    {
        using var mask = InpaintMask.Read(Masks.Png(8, 8, (x, _) => x < 4 ? new Rgb24(255, 255, 255) : default), 32, 16);

        var levels = InpaintMask.Levels(mask);
        Assert.Equal((32, 16), (mask.Width, mask.Height));
        Assert.Equal(255, levels[2]);
        Assert.Equal(0, levels[29]);
    }

    [Fact]
    public void InvertSwapsWhatIsRepainted()
    {
        using var mask = InpaintMask.Read(Masks.Png(2, 1, (x, _) => x == 0 ? new Rgb24(255, 255, 255) : default), 2, 1);

        InpaintMask.Invert(mask);

        Assert.Equal([0, 255], InpaintMask.Levels(mask));
    }

    [Fact]
    public void BlurSpreadsTheEdgeAsFarAsOpenCvsKernelAndNoFurther()
    {
        using var mask = InpaintMask.Read(Masks.Png(64, 1, (x, _) => x >= 32 ? new Rgb24(255, 255, 255) : default), 64, 1);

        InpaintMask.Blur(mask, 4);

        // σ = 4: 2·⌊2.5·4 + 0.5⌋ + 1 = 21 taps, so pixels up to 10 left of the edge change and the 11th does not.
        var levels = InpaintMask.Levels(mask);
        Assert.Equal(0, levels[32 - 11]);
        Assert.InRange(levels[32 - 10], 1, 10);
        Assert.InRange(levels[31], 100, 155);
        Assert.Equal(255, levels[32 + 10]);
    }

    [Fact]
    public void TheCropRegionIsTheMasksBoxPaddedWithinTheImage()
    {
        var mask = new byte[20 * 10];
        mask[3 * 20 + 5] = mask[6 * 20 + 8] = 255;

        Assert.Equal(Rectangle.FromLTRB(3, 1, 11, 9), CropRegion.Find(mask, 20, 10, 2));
        Assert.Equal(Rectangle.FromLTRB(0, 0, 20, 10), CropRegion.Find(mask, 20, 10, 32));
        Assert.Null(CropRegion.Find(new byte[200], 20, 10, 2));
    }

    [Fact]
    public void TheCropRegionGrowsToTheGenerationsAspectAsA1111sExample()
    {
        // masking.expand_crop_region: "if user drew mask in a 128x32 region, and the dimensions for processing are
        // 512x512, the region will be expanded to 128x128".
        Assert.Equal(Rectangle.FromLTRB(100, 52, 228, 180), CropRegion.Expand(Rectangle.FromLTRB(100, 100, 228, 132), 512, 512, 1024, 1024));
        // Near an edge it shifts back inside the image.
        Assert.Equal(Rectangle.FromLTRB(0, 0, 128, 128), CropRegion.Expand(Rectangle.FromLTRB(0, 0, 128, 32), 512, 512, 1024, 1024));
    }

    [Fact]
    public void FillPullsTheSurroundingColourIntoTheHole()
    {
        using var image = Image.Load<Rgb24>(Masks.Png(32, 32, (x, y) => x is >= 12 and < 20 && y is >= 12 and < 20 ? new Rgb24(255, 255, 255) : new Rgb24(0, 0, 200)));
        var mask = new byte[32 * 32];
        for (var y = 12; y < 20; y++)
        {
            for (var x = 12; x < 20; x++)
            {
                mask[y * 32 + x] = 255;
            }
        }

        using var filled = MaskedContentFill.Apply(image, mask);

        // The white square was under the mask: it is replaced by the blue around it; the blue outside stays.
        Assert.Equal(new Rgb24(0, 0, 200), filled[16, 16]);
        Assert.Equal(new Rgb24(0, 0, 200), filled[2, 2]);
    }
}
