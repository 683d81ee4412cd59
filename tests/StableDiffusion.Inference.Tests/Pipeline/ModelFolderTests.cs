using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>What a model folder answers without opening an ONNX session.</summary>
public sealed class ModelFolderTests : IDisposable
{
    private readonly DirectoryInfo models = Directory.CreateTempSubdirectory("sd-folders-");

    [Fact]
    public void ModelFolderListsOnlyFoldersWithAModelIndex()
    {
        var found = ModelFolder.List(Path.GetDirectoryName(ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne))!);

        Assert.Equal(ModelFixtures.Variants.Count + 1, found.Count);
        Assert.Contains(found, m => m.EndsWith(ModelFixtures.ContextFixedAt77, StringComparison.Ordinal));
        Assert.All(found, m => Assert.True(File.Exists(Path.Combine(m, "model_index.json"))));
    }

    [Fact]
    public void AFolderWithAModelIndexOrAUnetIsAModelEvenWhenItCannotLoad()
    {
        File.WriteAllText(Path.Combine(models.CreateSubdirectory("indexed").FullName, "model_index.json"), "{}");
        models.CreateSubdirectory("half-copied").CreateSubdirectory("unet");
        models.CreateSubdirectory("photos");

        var found = ModelFolder.List(models.FullName);

        Assert.Equal(["half-copied", "indexed"], found.Select(Path.GetFileName));
        var error = Assert.Throws<ModelLoadException>(() => ModelFolder.Describe(found[0]));
        Assert.Contains("model_index.json is missing", error.Message);
    }

    [Fact]
    public void DescribeReadsTheDescriptionAndExamplePromptsAndNoneWhenTheyAreAbsent()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.WriteAllText(copy.PathOf("defaults.json"), """
            {"steps": 6, "description": "  Circles and squares. ", "examples": ["a red circle", " ", "two blue squares "]}
            """);
        var described = ModelFolder.Describe(copy.Directory).Card;
        File.WriteAllText(copy.PathOf("defaults.json"), """{"steps": 6}""");
        var silent = ModelFolder.Describe(copy.Directory).Card;
        File.Delete(copy.PathOf("defaults.json"));
        var noFile = ModelFolder.Describe(copy.Directory).Card;
        File.WriteAllText(copy.PathOf("defaults.json"), """{"examples": "a red circle"}""");
        var malformed = Assert.Throws<ModelLoadException>(() => ModelFolder.Describe(copy.Directory));

        Assert.Equal("Circles and squares.", described.Description);
        Assert.Equal(["a red circle", "two blue squares"], described.Examples);
        Assert.Equal((null, 0), (silent.Description, silent.Examples.Count));
        Assert.Equal((null, 0), (noFile.Description, noFile.Examples.Count));
        Assert.Contains("defaults.json is malformed", malformed.Message);
    }

    [Fact]
    public void TheEmbeddedModelsExamplesStayInsideTheGrammarItWasTrainedOn()
    {
        var card = ModelFolder.Describe(Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes")).Card;

        Assert.Contains("64×64", card.Description);
        Assert.True(card.Examples.Count >= 4, $"{card.Examples.Count} examples");
        // training/shapes.py: "{count} {colour} {shape} on a {background} background", count a/two/three, shape plural past one.
        Assert.All(card.Examples, e => Assert.Matches(
            "^(a (red|green|blue|yellow|white|black|purple|orange) (circle|square|triangle)|(two|three) (red|green|blue|yellow|white|black|purple|orange) (circles|squares|triangles))"
            + " on a (red|green|blue|yellow|white|black|purple|orange) background$", e));
    }

    [Fact]
    public void DescribeReadsDefaultsAndImageToImageWithoutOpeningAGraph()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.WriteAllText(copy.PathOf("defaults.json"), """{"steps": 6, "guidance_scale": 1.5, "scheduler": "lcm", "width": 32, "height": 48}""");
        // A whole ONNX file, but the VAE decoder's graph where the UNet belongs: a session of it would fail as a UNet.
        File.Copy(copy.PathOf("vae_decoder/model.onnx"), copy.PathOf("unet/model.onnx"), overwrite: true);

        var withEncoder = ModelFolder.Describe(copy.Directory);
        Directory.Delete(copy.PathOf("vae_encoder"), recursive: true);
        var withoutEncoder = ModelFolder.Describe(copy.Directory);

        Assert.Equal((ModelFixtures.Fp32Int64FloatOne, copy.Directory), (withEncoder.Name, withEncoder.Directory));
        Assert.Equal(new ModelDefaults(6, 1.5, "lcm", 32, 48), withEncoder.Defaults);
        Assert.True(withEncoder.SupportsImageToImage);
        Assert.False(withoutEncoder.SupportsImageToImage);
    }

    [Fact]
    public void DescribeNamesAGitLfsPointer()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.WriteAllText(copy.PathOf("vae_decoder/model.onnx"), "version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 1234\n");

        var error = Assert.Throws<ModelLoadException>(() => ModelFolder.Describe(copy.Directory));

        Assert.Contains("vae_decoder/model.onnx is a Git LFS pointer", error.Message);
    }

    [Fact]
    public void HashIsTheUnetSha256ComputedOnceUntilTheFileChanges()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp16Int32HalfBatch);
        var unet = copy.PathOf("unet/model.onnx");

        var first = ModelFolder.Hash(copy.Directory);
        var again = ModelFolder.Hash(copy.Directory);
        File.AppendAllText(unet, "changed");
        File.SetLastWriteTimeUtc(unet, DateTime.UtcNow.AddMinutes(1));
        var changed = ModelFolder.Hash(copy.Directory);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(unet)));
        Assert.NotNull(first);
        Assert.Same(first, again);
        Assert.Equal(first.Sha256[..10], first.Short);
        Assert.Equal(expected, changed!.Sha256);
        Assert.NotEqual(first.Sha256, changed.Sha256);
    }

    [Fact]
    public void AFolderWithoutAUnetHasNoHash()
    {
        Assert.Null(ModelFolder.Hash(models.FullName));
    }

    public void Dispose() => models.Delete(recursive: true);
}
