using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>Frozen parts taken from other folders: listing, a swap that changes the image, and misfits refused by name.</summary>
public sealed class ComponentSwapTests
{
    private static string Component(string name) => Path.Combine(ModelFixtures.RepositoryRoot, "tests", "fixtures", "components", name);

    private static GenerationSettings Request => Requests.Small(seed: 5, steps: 2) with { Model = ModelFixtures.Fp32Int32Int64Batch };

    [Fact]
    public void StandaloneComponentFoldersAreListedAsComponentsNotModels()
    {
        var root = Directory.CreateTempSubdirectory("components-").FullName;
        try
        {
            Copy(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), Path.Combine(root, "a-model"));
            Copy(Component("vae-other-weights"), Path.Combine(root, "b-vae"));
            Copy(Path.Combine(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "text_encoder"), Path.Combine(root, "c-text", "text_encoder"));
            Copy(Path.Combine(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "tokenizer"), Path.Combine(root, "c-text", "tokenizer"));
            Directory.CreateDirectory(Path.Combine(root, "d-empty"));

            Assert.Equal(["a-model"], ModelFolder.List(root).Select(ModelFolder.NameOf));
            Assert.Equal([("b-vae", ComponentKind.Vae), ("c-text", ComponentKind.TextEncoder)],
                ComponentFolder.List(root).Select(c => (c.Name, c.Kind)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AnotherVaeOfTheSameShapeChangesTheImageAndTheModelsOwnStaysAsItWas()
    {
        using var own = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), LoadedModels.Cpu);
        using var swapped = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), LoadedModels.Cpu, parts: new(VaeDirectory: Component("vae-other-weights")));

        var ownImage = Requests.Pixels(new StableDiffusionPipeline(own).Generate(Request).Images[0].Image);
        var swappedImage = Requests.Pixels(new StableDiffusionPipeline(swapped).Generate(Request).Images[0].Image);

        Assert.Equal(ownImage.Length, swappedImage.Length);
        Assert.NotEqual(ownImage, swappedImage);
        Assert.False(swapped.SupportsImageToImage);
        Assert.Equal(ownImage, Requests.Pixels(new StableDiffusionPipeline(own).Generate(Request).Images[0].Image));
    }

    [Fact]
    public void TheEmbeddedModelTakesTheShippedSecondVaeAndTextEncoderAndEachChangesItsImage()
    {
        var models = Path.Combine(ModelFixtures.RepositoryRoot, "models");
        var components = ComponentFolder.List(models).ToDictionary(c => c.Name, c => c.Kind);
        Assert.Equal(ComponentKind.Vae, components["tiny-shapes-vae-sharp"]);
        Assert.Equal(ComponentKind.TextEncoder, components["tiny-shapes-text-encoder-seed1"]);
        Assert.DoesNotContain(ModelFolder.List(models).Select(ModelFolder.NameOf), name => components.ContainsKey(name));

        var request = new GenerationSettings { Prompt = "three red triangles on a white background", Seed = 3, Steps = 12, GuidanceScale = 2, Scheduler = "dpmpp-2m", Width = 64, Height = 64 };
        Rgb24[] Draw(ComponentChoice parts)
        {
            using var model = StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu, parts: parts);
            return Requests.Pixels(new StableDiffusionPipeline(model).Generate(request).Images[0].Image);
        }

        var own = Draw(ComponentChoice.FromModel);
        var sharpVae = Draw(new(VaeDirectory: Path.Combine(models, "tiny-shapes-vae-sharp")));
        var otherText = Draw(new(TextEncoderDirectory: Path.Combine(models, "tiny-shapes-text-encoder-seed1")));

        Assert.NotEqual(own, sharpVae);
        Assert.NotEqual(own, otherText);
        Assert.NotEqual(sharpVae, otherText);
    }

    [Fact]
    public void AVaeOfAnotherLatentChannelCountIsRefusedNamingBothCounts()
    {
        var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(
            ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), LoadedModels.Cpu, parts: new(VaeDirectory: Component("vae-8-latent-channels"))));

        Assert.Equal($"VAE vae-8-latent-channels decodes 8 latent channels but the UNet of {ModelFixtures.Fp32Int32Int64Batch} makes 4.", error.Message);
    }

    [Fact]
    public void AVaeOfAnotherScaleFactorAndATextEncoderOfAnotherWidthAreRefused()
    {
        var vae = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(
            ModelFixtures.EmbeddedModel, LoadedModels.Cpu, parts: new(VaeDirectory: Component("vae-other-weights"))));
        var text = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(
            ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), LoadedModels.Cpu, parts: new(TextEncoderDirectory: ModelFixtures.EmbeddedModel)));

        Assert.Equal("VAE vae-other-weights scales latents by 8 but the VAE of tiny-shapes by 4.", vae.Message);
        Assert.Matches($"^Text encoder tiny-shapes has hidden size [0-9]+ but the UNet of {ModelFixtures.Fp32Int32Int64Batch} takes 32\\.$", text.Message);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
