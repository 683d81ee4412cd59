using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>
/// The fit of a standalone part judged from the graphs' signatures without a session: the same verdict, in the same
/// words, as loading the model with that part.
/// </summary>
public sealed class ComponentFitTests
{
    private static string Models => Path.Combine(ModelFixtures.RepositoryRoot, "models");

    private static ComponentFolder Folder(string directory) =>
        new(ModelFolder.NameOf(directory), ComponentFolder.KindOf(directory) ?? throw new ArgumentException(directory), directory);

    private static string Component(string name) => Path.Combine(ModelFixtures.RepositoryRoot, "tests", "fixtures", "components", name);

    [Fact]
    public void TheShippedVaeAndTextEncoderFitTheEmbeddedModel()
    {
        Assert.Null(ComponentFit.Misfit(ModelFixtures.EmbeddedModel, Folder(Path.Combine(Models, "tiny-shapes-vae-sharp"))));
        Assert.Null(ComponentFit.Misfit(ModelFixtures.EmbeddedModel, Folder(Path.Combine(Models, "tiny-shapes-text-encoder-seed1"))));
    }

    [Fact]
    public void AVaeOfAnotherLatentChannelCountIsNamedAsLoadingNamesIt()
    {
        var vae = Folder(Component("vae-8-latent-channels"));
        var load = Assert.Throws<ModelLoadException>(() =>
            StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu, parts: new(VaeDirectory: vae.Directory)));

        Assert.Equal("VAE vae-8-latent-channels decodes 8 latent channels but the UNet of tiny-shapes makes 4.", ComponentFit.Misfit(ModelFixtures.EmbeddedModel, vae));
        Assert.Equal(load.Message, ComponentFit.Misfit(ModelFixtures.EmbeddedModel, vae));
    }

    [Fact]
    public void AVaeOfAnotherFactorAndATextEncoderOfAnotherWidthAreNamedAsLoadingNamesThem()
    {
        var vae = Folder(Component("vae-other-weights"));
        var fixture = ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch);
        var text = new ComponentFolder("tiny-shapes", ComponentKind.TextEncoder, ModelFixtures.EmbeddedModel);
        var vaeLoad = Assert.Throws<ModelLoadException>(() =>
            StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu, parts: new(VaeDirectory: vae.Directory)));
        var textLoad = Assert.Throws<ModelLoadException>(() =>
            StableDiffusionModel.Load(fixture, LoadedModels.Cpu, parts: new(TextEncoderDirectory: text.Directory)));

        Assert.Equal(vaeLoad.Message, ComponentFit.Misfit(ModelFixtures.EmbeddedModel, vae));
        Assert.Equal(textLoad.Message, ComponentFit.Misfit(fixture, text));
        Assert.Null(ComponentFit.Misfit(fixture, vae));
    }
}
