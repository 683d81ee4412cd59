using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Inpainting;

/// <summary>Inpainting on the embedded model (models/tiny-shapes): a blue 64×64 picture with a disc masked in its middle.</summary>
public sealed class EmbeddedModelInpaintingTests(EmbeddedModel embedded) : IClassFixture<EmbeddedModel>
{
    private const double Radius = 14;
    private static readonly Rgb24 Blue = new(20, 40, 230);

    public static GenerationSettings Request(InpaintingFill fill = InpaintingFill.Original, long seed = 1) => new()
    {
        Prompt = "a red circle on a blue background", Seed = seed, Steps = 20, GuidanceScale = 2, Scheduler = "dpmpp-2m",
        Width = 64, Height = 64, InitImage = Masks.Solid(64, 64, Blue), Mask = Masks.Disc(64, 64, 32, 32, Radius),
        Strength = 1.0, InpaintingFill = fill,
    };

    [Theory]
    [InlineData(InpaintingFill.Original)]
    [InlineData(InpaintingFill.Fill)]
    [InlineData(InpaintingFill.LatentNoise)]
    [InlineData(InpaintingFill.LatentNothing)]
    public void UnmaskedPixelsComeBackExactlyAndTheMaskedDiscTurnsRed(InpaintingFill fill)
    {
        var reds = new List<double>();
        foreach (var seed in new long[] { 1, 2 })
        {
            var image = new StableDiffusionPipeline(embedded.Model).Generate(Request(fill, seed)).Images[0].Image;

            // Mask blur 4 reaches ⌊2.5·4 + 0.5⌋ = 10 pixels past the disc; beyond that the init image is untouched.
            var outside = 0;
            var inside = new List<Rgb24>();
            for (var y = 0; y < 64; y++)
            {
                for (var x = 0; x < 64; x++)
                {
                    if (!Masks.Inside(x, y, 32, 32, Radius + 11))
                    {
                        Assert.Equal(Blue, image[x, y]);
                        outside++;
                    }
                    else if (Masks.Inside(x, y, 32, 32, Radius - 2))
                    {
                        inside.Add(image[x, y]);
                    }
                }
            }

            Assert.True(outside > 1500, $"{outside} pixels outside");
            reds.Add(inside.Count(Masks.IsRed) / (double)inside.Count);
        }

        // The model's red circles are 16–39 pixels across: most of a 24-pixel disc should be red.
        Assert.True(reds.Average() > 0.5, $"red share inside the mask per seed: {string.Join(", ", reds)}");
        Console.WriteLine($"{fill}: red share inside the mask per seed {string.Join(", ", reds.Select(r => r.ToString("0.00")))}");
    }

    [Fact]
    public void OnlyMaskedGeneratesTheRegionAroundTheMaskAndPastesItIntoTheInitImageAtItsOwnSize()
    {
        // A 160×96 picture; the mask is a disc of radius 10 at (110, 40), x and y 100–119, blurred 5 pixels further
        // (σ = 2), padded by 8: a 46-pixel square (already the generation's aspect), generated at 64×64 and pasted back.
        var settings = Request() with
        {
            InitImage = Masks.Solid(160, 96, Blue), Mask = Masks.Disc(160, 96, 110, 40, 10),
            InpaintFullRes = true, InpaintFullResPadding = 8, MaskBlur = 2,
        };
        var setup = InpaintingSetup.Prepare(settings, new(4, 16, 16), inpaintingUnet: false, (_, w, h) => new double[4 * (h / 4) * (w / 4)]);
        Assert.Equal(SixLabors.ImageSharp.Rectangle.FromLTRB(87, 17, 133, 63), setup.PasteTo);

        var image = new StableDiffusionPipeline(embedded.Model).Generate(settings).Images[0].Image;

        Assert.Equal((160, 96), (image.Width, image.Height));
        var inside = new List<Rgb24>();
        for (var y = 0; y < 96; y++)
        {
            for (var x = 0; x < 160; x++)
            {
                if (!Masks.Inside(x, y, 110, 40, 10 + 6))
                {
                    Assert.Equal(Blue, image[x, y]);
                }
                else if (Masks.Inside(x, y, 110, 40, 8))
                {
                    inside.Add(image[x, y]);
                }
            }
        }
        Assert.True(inside.Count(Masks.IsRed) > inside.Count / 2, $"{inside.Count(Masks.IsRed)} of {inside.Count} red");
    }

    [Fact]
    public void InvertedTheDiscIsKeptAndEverythingElseIsRepainted()
    {
        var init = Masks.Png(64, 64, (x, y) => Masks.Inside(x, y, 32, 32, Radius) ? new Rgb24(250, 250, 40) : Blue);
        var settings = Request() with { Prompt = "a red circle on a green background", InitImage = init, InvertMask = true, Seed = 3 };

        var image = new StableDiffusionPipeline(embedded.Model).Generate(settings).Images[0].Image;

        var original = Masks.Decode(init);
        var corners = new List<Rgb24>();
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                if (Masks.Inside(x, y, 32, 32, Radius - 11))
                {
                    Assert.Equal(original[x, y], image[x, y]);
                }
                else if (!Masks.Inside(x, y, 32, 32, 30))
                {
                    corners.Add(image[x, y]);
                }
            }
        }
        // The background was blue and is asked to be green.
        Assert.True(corners.Count(p => p.G > 120 && p.R < 100 && p.B < 100) > corners.Count / 2, $"{corners.Count(p => p.G > 120)} of {corners.Count} green");
    }

    [Fact]
    public void OutpaintingExtendsTheCanvasAndTheNewMarginContinuesTheBackground()
    {
        // A 64×40 blue picture with a yellow square, extended by 24 pixels at the bottom to the model's 64×64.
        var init = Masks.Png(64, 40, (x, y) => x is >= 24 and < 40 && y is >= 12 and < 28 ? new Rgb24(250, 250, 40) : Blue);
        var (extended, mask) = CanvasExtension.Extend(init, 0, 0, 0, 24);
        var settings = Request(InpaintingFill.Fill) with { Prompt = "a yellow square on a blue background", InitImage = extended, Mask = mask, Seed = 4 };

        var image = new StableDiffusionPipeline(embedded.Model).Generate(settings).Images[0].Image;

        var original = Masks.Decode(init);
        var margin = new List<Rgb24>();
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                if (y < 40 - 11)
                {
                    Assert.Equal(original[x, y], image[x, y]);
                }
                else if (y >= 44)
                {
                    margin.Add(image[x, y]);
                }
            }
        }
        Assert.True(margin.Count(Masks.IsBlue) > margin.Count * 0.9, $"{margin.Count(Masks.IsBlue)} of {margin.Count} margin pixels blue");
    }

    [Fact]
    public void TheExtendedCanvasRepeatsTheEdgeAndItsMaskCoversOnlyTheMargins()
    {
        var init = Masks.Png(8, 4, (x, y) => new Rgb24((byte)(x * 30), (byte)(y * 60), 7));

        var (image, mask) = CanvasExtension.Extend(init, 2, 1, 3, 0);

        var canvas = Masks.Decode(image);
        using var levels = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(mask);
        Assert.Equal((13, 5), (canvas.Width, canvas.Height));
        Assert.Equal(new Rgb24(0, 0, 7), canvas[0, 0]);
        Assert.Equal(new Rgb24(210, 180, 7), canvas[12, 4]);
        Assert.Equal(new Rgb24(90, 60, 7), canvas[5, 2]);
        Assert.Equal((255, 255, 0, 255), (levels[1, 3].PackedValue, levels[5, 0].PackedValue, levels[5, 3].PackedValue, levels[10, 3].PackedValue));
    }

    [Fact]
    public void ABatchInpaintsEachImageWithItsOwnSeedAndKeepsEachOnesUnmaskedPixels()
    {
        var images = new StableDiffusionPipeline(embedded.Model).Generate(Request(seed: 5) with { BatchSize = 2, Steps = 8 }).Images;

        Assert.Equal(2, images.Count);
        Assert.All(images, generated =>
        {
            for (var y = 0; y < 64; y++)
            {
                for (var x = 0; x < 64; x++)
                {
                    if (!Masks.Inside(x, y, 32, 32, Radius + 11))
                    {
                        Assert.Equal(Blue, generated.Image[x, y]);
                    }
                }
            }
        });
        Assert.NotEqual(images[0].Image.Pixels.ToArray(), images[1].Image.Pixels.ToArray());
    }
}
