using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Clip;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Clip;

public sealed class ClipModelLoadingTests
{
    private static readonly InferenceOptions Cpu = new() { ExecutionProvider = "cpu" };

    [Fact]
    public void RealLayoutFixtureLoadsWithItsEmbeddingSizeAndImageSize()
    {
        using var clip = ClipModel.Load(ClipFixtures.PathOf(ClipFixtures.RandomClip), Cpu);

        Assert.Equal(16, clip.EmbeddingSize);
        Assert.Equal((32, 32, 32), (clip.ImageProcessing.ShortestEdge, clip.ImageProcessing.CropWidth, clip.ImageProcessing.CropHeight));
        Assert.Matches("^random-clip:[0-9a-f]{10}$", clip.Id);
    }

    [Fact]
    public void TextAndImageVectorsAreUnitLengthAndDependOnTheirInput()
    {
        using var clip = ClipModel.Load(ClipFixtures.PathOf(ClipFixtures.RandomClip), Cpu);
        using var red = new Image<Rgb24>(64, 48, new Rgb24(255, 0, 0));
        using var blue = new Image<Rgb24>(64, 48, new Rgb24(0, 0, 255));

        var vectors = new[] { clip.EmbedText("three red triangles"), clip.EmbedText("a blue circle"), clip.EmbedImage(red), clip.EmbedImage(blue) };

        Assert.All(vectors, v => Assert.Equal(16, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5));
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.NotEqual(vectors[2], vectors[3]);
        Assert.Equal(vectors[0], clip.EmbedText("three red triangles"));
    }

    [Fact]
    public void TowersOfDifferentEmbeddingSizesAreRefusedNamingBoth()
    {
        var error = Assert.Throws<ModelLoadException>(() => ClipModel.Load(ClipFixtures.PathOf(ClipFixtures.EmbeddingSizesDiffer), Cpu));

        Assert.Contains("text_embeds has 16 dimensions but image_embeds has 24", error.Message);
    }

    [Fact]
    public void PixelValuesThatAreNotBatchThreeHeightWidthAreRefused()
    {
        var error = Assert.Throws<ModelLoadException>(() => ClipModel.Load(ClipFixtures.PathOf(ClipFixtures.FlatPixelValues), Cpu));

        Assert.Contains("pixel_values is [batch_size, 3072]", error.Message);
        Assert.Contains("[batch, 3, H, W]", error.Message);
    }

    [Fact]
    public void AStableDiffusionFolderIsNotTakenForClip()
    {
        var error = Assert.Throws<ModelLoadException>(() => ClipModel.Load(Pipeline.ModelFixtures.EmbeddedModel, Cpu));

        Assert.Contains("has no text_model.onnx", error.Message);
    }

    [Fact]
    public void PreprocessingCropsTheCentreAndNormalisesPerChannel()
    {
        var processing = new ClipImageProcessing(2, 2, 2, [0.5f, 0.25f, 0f], [0.5f, 0.25f, 1f]);
        // 4×2: the outer columns are black, the two centre columns white; resize is the identity (shortest edge 2).
        using var image = new Image<Rgb24>(4, 2, new Rgb24(0, 0, 0));
        for (var y = 0; y < 2; y++)
        {
            image[1, y] = image[2, y] = new Rgb24(255, 255, 255);
        }

        var values = processing.ToPixelValues(image);

        Assert.Equal(new float[] { 1, 1, 1, 1, 3, 3, 3, 3, 1, 1, 1, 1 }, values);
    }
}
