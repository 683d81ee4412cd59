using StableDiffusion.Inference.Clip;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Inpainting;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Clip;

/// <summary>The embedded CLIP (models/tiny-shapes-clip) over images the embedded model draws.</summary>
public sealed class EmbeddedClipSearchTests(EmbeddedModel embedded) : IClassFixture<EmbeddedModel>
{
    private static readonly string[] Prompts =
    [
        "two blue circles on a black background",
        "three red triangles on a white background",
        "a yellow square on a green background",
        "two green squares on a black background",
        "a red circle on a blue background",
    ];

    [Fact]
    public void ThreeRedTrianglesRankTheRedTriangleImageFirstAndEachImageIsClosestToItsOwnPrompt()
    {
        using var clip = ClipModel.Load(Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes-clip"), new InferenceOptions { ExecutionProvider = "cpu" });
        var pipeline = new StableDiffusionPipeline(embedded.Model);
        var vectors = Prompts.Select(prompt =>
        {
            var settings = new GenerationSettings { Prompt = prompt, Seed = 7, Steps = 20, GuidanceScale = 2, Scheduler = "dpmpp-2m", Width = 64, Height = 64 };
            using var image = pipeline.Generate(settings).Images[0].Image.ToImage();
            return clip.EmbedImage(image);
        }).ToArray();
        var rows = vectors.SelectMany(v => v).ToArray();
        var scores = new float[Prompts.Length];

        ClipVectors.Similarities(clip.EmbedText("three red triangles"), rows, scores);

        Assert.Equal(1, ClipVectors.Top(scores, 1)[0]);
        var ownPromptFirst = Prompts.Where((prompt, i) =>
        {
            ClipVectors.Similarities(clip.EmbedText(prompt), rows, scores);
            return ClipVectors.Top(scores, 1)[0] == i;
        }).Count();
        Assert.True(ownPromptFirst >= 4, $"{ownPromptFirst} of {Prompts.Length} images ranked first for their own prompt");
    }
}
