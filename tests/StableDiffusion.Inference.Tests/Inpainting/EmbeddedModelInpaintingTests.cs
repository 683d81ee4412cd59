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
    }
}
