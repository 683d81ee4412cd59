using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests;

/// <summary>
/// The reference data the tests replay, all inside the repository: the golden vectors of the reference
/// implementations (tests/fixtures/golden, with their provenance in its README) and the real CLIP BPE vocabulary
/// the embedded model's training uses (training/clip-tokenizer).
/// </summary>
internal static class ReferenceData
{
    public static string Golden(params string[] parts) => Path.Combine([ModelFixtures.RepositoryRoot, "tests", "fixtures", "golden", .. parts]);

    public static string ClipTokenizer(params string[] parts) => Path.Combine([ModelFixtures.RepositoryRoot, "training", "clip-tokenizer", .. parts]);
}
