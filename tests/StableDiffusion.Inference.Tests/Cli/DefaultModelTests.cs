using StableDiffusion.Cli.Commands;

namespace StableDiffusion.Inference.Tests.Cli;

public sealed class DefaultModelTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("sd-root-");

    [Fact]
    public void WithoutModelTheEmbeddedModelIsFoundWalkingUp()
    {
        var model = Directory.CreateDirectory(Path.Combine(root.FullName, "models", "tiny-shapes"));
        File.WriteAllText(Path.Combine(model.FullName, "model_index.json"), "{}");
        var deep = Directory.CreateDirectory(Path.Combine(root.FullName, "src", "StableDiffusion.Cli", "bin"));

        Assert.Equal(model.FullName, ModelOptions.Resolve(null, Path.GetTempPath(), deep.FullName));
        Assert.Equal("other", ModelOptions.Resolve("other", deep.FullName));
    }

    [Fact]
    public void WithoutModelAndNoEmbeddedModelTheErrorSaysWhatWasLookedFor()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelOptions.Resolve(null, root.FullName));

        Assert.Contains("models/tiny-shapes", error.Message);
    }

    public void Dispose() => root.Delete(recursive: true);
}
