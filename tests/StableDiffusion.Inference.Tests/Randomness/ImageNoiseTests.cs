using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Tests.Randomness;

/// <summary>
/// A1111's seed resize (modules/rng.py, ImageRNG.first): the seed's noise made at the "from" size by a fresh
/// generator, placed centred into the image generator's first draw. Expected values come from the generators directly.
/// </summary>
public sealed class ImageNoiseTests
{
    private static readonly LatentShape Target = new(4, 8, 10);

    [Theory]
    [InlineData(NoiseSource.Torch)]
    [InlineData(NoiseSource.Philox)]
    public void SeedResizeFromTheSameSizeIsThePlainNoise(NoiseSource source)
    {
        var plain = Draw(source, 42, Target);

        var resized = ImageNoise.First(NoiseGenerators.Create(source, 42), Target, source, 42, -1, 0, resizeFrom: Target);

        Assert.Equal(plain, resized);
    }

    [Fact]
    public void SeedResizeFromASmallerSizePlacesItsNoiseCentredAndKeepsTheRestOfTheFullDraw()
    {
        var from = new LatentShape(4, 5, 6);
        var full = Draw(NoiseSource.Torch, 7, Target);
        var small = Draw(NoiseSource.Torch, 7, from);

        var noise = ImageNoise.First(NoiseGenerators.Create(NoiseSource.Torch, 7), Target, NoiseSource.Torch, 7, -1, 0, from);

        // (8 − 5) // 2 = 1 row and (10 − 6) // 2 = 2 columns before the placed block.
        for (var c = 0; c < 4; c++)
        {
            for (var y = 0; y < 8; y++)
            {
                for (var x = 0; x < 10; x++)
                {
                    var inside = y is >= 1 and < 6 && x is >= 2 and < 8;
                    var expected = inside ? small[(c * 5 + y - 1) * 6 + x - 2] : full[(c * 8 + y) * 10 + x];
                    Assert.Equal(expected, noise[(c * 8 + y) * 10 + x]);
                }
            }
        }
    }

    [Fact]
    public void SeedResizeFromALargerSizeCropsItsCentre()
    {
        var from = new LatentShape(4, 11, 13);
        var large = Draw(NoiseSource.Philox, 3, from);
        var full = Draw(NoiseSource.Philox, 3, Target);

        var noise = ImageNoise.First(NoiseGenerators.Create(NoiseSource.Philox, 3), Target, NoiseSource.Philox, 3, -1, 0, from);

        // Rows: (8 − 11) // 2 = −2, so rows 2… of the source, 11 − 4 = 7 of them; the target's last row keeps the full draw.
        // Columns: (10 − 13) // 2 = −2, so columns 2… of the source, 13 − 4 = 9 of them; the last column keeps the full draw.
        for (var c = 0; c < 4; c++)
        {
            for (var y = 0; y < 8; y++)
            {
                for (var x = 0; x < 10; x++)
                {
                    var expected = y < 7 && x < 9 ? large[(c * 11 + y + 2) * 13 + x + 2] : full[(c * 8 + y) * 10 + x];
                    Assert.Equal(expected, noise[(c * 8 + y) * 10 + x]);
                }
            }
        }
    }

    [Fact]
    public void AVariationIsBlendedAtTheFromSizeBeforeItIsPlaced()
    {
        var from = new LatentShape(4, 6, 6);
        var seed = Draw(NoiseSource.Torch, 100, from);
        VariationNoise.Slerp(0.4, seed, Draw(NoiseSource.Torch, 200, from), 4, 6, 6);

        var noise = ImageNoise.First(NoiseGenerators.Create(NoiseSource.Torch, 100), Target, NoiseSource.Torch, 100, 200, 0.4, from);

        var placed = Draw(NoiseSource.Torch, 100, Target);
        ImageNoise.PlaceCentred(seed, from, placed, Target);
        Assert.Equal(placed, noise);
    }

    [Fact]
    public void TheImagesGeneratorGoesOnFromAfterItsFullSizeDraw()
    {
        var generator = NoiseGenerators.Create(NoiseSource.Torch, 5);
        ImageNoise.First(generator, Target, NoiseSource.Torch, 5, -1, 0, new LatentShape(4, 4, 4));
        var next = new float[16];
        generator.Fill(next);

        var reference = NoiseGenerators.Create(NoiseSource.Torch, 5);
        reference.Fill(new float[Target.Length]);
        var expected = new float[16];
        reference.Fill(expected);
        Assert.Equal(expected, next);
    }

    private static float[] Draw(NoiseSource source, long seed, LatentShape shape)
    {
        var values = new float[shape.Length];
        NoiseGenerators.Create(source, seed).Fill(values);
        return values;
    }
}
