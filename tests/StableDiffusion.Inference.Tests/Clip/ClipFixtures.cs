using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Clip;

/// <summary>The CLIP folders of tests/fixtures/clip (training/make_fixtures.py --only clip).</summary>
internal static class ClipFixtures
{
    public const string RandomClip = "random-clip";
    public const string EmbeddingSizesDiffer = "embedding-sizes-differ";
    public const string FlatPixelValues = "flat-pixel-values";

    public static string PathOf(string name) => Path.Combine(ModelFixtures.RepositoryRoot, "tests", "fixtures", "clip", name);
}
