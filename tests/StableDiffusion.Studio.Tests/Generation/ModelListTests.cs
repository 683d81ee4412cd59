using StableDiffusion.Studio.Queue;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class ModelListTests : IDisposable
{
    private readonly DirectoryInfo models = Directory.CreateTempSubdirectory("studio-models-");

    [Fact]
    public void AFolderThatFailsToLoadIsListedAsUnavailableWithItsReason()
    {
        ModelFolders.Copy(Path.Combine(StudioFactory.FixtureModels, "fp32-ids-int64-timestep-float32-one"), Path.Combine(models.FullName, "good"));
        var broken = Directory.CreateDirectory(Path.Combine(models.FullName, "broken"));
        File.WriteAllText(Path.Combine(broken.FullName, "model_index.json"), "{}");
        Directory.CreateDirectory(Path.Combine(models.FullName, "not-a-model"));
        using var generator = new OnnxImageGenerator(
            Options.Create(new InferenceOptions { ModelsDirectory = models.FullName, DefaultModel = "good", ExecutionProvider = "cpu" }),
            new Environment(models.FullName), NullLoggerFactory.Instance);

        var list = generator.Models;

        Assert.Equal(["good", "broken"], list.Select(m => m.Name));
        Assert.True(list[0].IsAvailable);
        Assert.False(list[1].IsAvailable);
        Assert.False(string.IsNullOrWhiteSpace(list[1].UnavailableReason));
        Assert.Equal(3, generator.CountTokens("good", "a red circle", EmphasisMode.Original));
        Assert.Null(generator.CountTokens("broken", "a red circle", EmphasisMode.Original));
    }

    [Fact]
    public void OnlyTheDefaultModelLoadsAtStartOthersLoadOnFirstUseAndABadOneFailsItsJobWithTheReason()
    {
        var fixture = Path.Combine(StudioFactory.FixtureModels, "fp32-ids-int64-timestep-float32-one");
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "default"));
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "second"));
        File.WriteAllText(Path.Combine(models.FullName, "second", "defaults.json"), """{"steps": 6, "scheduler": "euler-a", "width": 48}""");
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "corrupt"));
        File.WriteAllBytes(Path.Combine(models.FullName, "corrupt", "unet", "model.onnx"), [1, 2, 3, 4, 5, 6, 7, 8]);
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "truncated"));
        var truncated = Path.Combine(models.FullName, "truncated", "unet", "model.onnx");
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..(int)(new FileInfo(truncated).Length / 2)]);
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "external"));
        File.WriteAllBytes(Path.Combine(models.FullName, "external", "unet", "model.onnx"), ModelFolders.WithExternalWeights("weights.pb"));
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "pointer"));
        File.WriteAllText(Path.Combine(models.FullName, "pointer", "unet", "model.onnx"),
            "version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 1234\n");
        using var generator = new OnnxImageGenerator(
            Options.Create(new InferenceOptions { ModelsDirectory = models.FullName, DefaultModel = "default", ExecutionProvider = "cpu" }),
            new Environment(models.FullName), NullLoggerFactory.Instance);
        var request = new GenerationSettings { Prompt = "a red circle", Seed = 1, Steps = 2, GuidanceScale = 7, Scheduler = "euler", Width = 64, Height = 64 };

        var beforeStart = generator.Models.ToDictionary(m => m.Name);
        generator.LoadDefaultModel();
        var atStart = generator.Models.ToDictionary(m => m.Name);

        Assert.Equal("default", generator.Models[0].Name);
        Assert.Equal("CPU", atStart["default"].ExecutionProvider, ignoreCase: true);
        Assert.True(atStart["second"].IsAvailable);
        Assert.Equal("not loaded", atStart["second"].ExecutionProvider);
        Assert.Equal("not loaded", beforeStart["default"].ExecutionProvider);
        Assert.Equal((6, "euler-a", 48), (atStart["second"].Defaults.Steps, atStart["second"].Defaults.Scheduler, atStart["second"].Defaults.Width));
        Assert.Equal(ModelFolder.Hash(Path.Combine(models.FullName, "second")), generator.HashOf("second"));
        Assert.Null(generator.HashOf("no-such-model"));
        foreach (var bad in new[] { "corrupt", "truncated", "external" })
        {
            // Known before any job tries them, and described without the server's paths.
            Assert.False(beforeStart[bad].IsAvailable);
            Assert.Contains("unet/model.onnx", atStart[bad].UnavailableReason);
            Assert.DoesNotContain(models.FullName, atStart[bad].UnavailableReason);
        }

        Assert.Contains("weights.pb", atStart["external"].UnavailableReason);
        Assert.False(atStart["pointer"].IsAvailable);
        Assert.Contains("LFS", atStart["pointer"].UnavailableReason);
        Assert.Equal(3, generator.CountTokens("second", "a red circle", EmphasisMode.Original));

        Assert.Single(generator.Generate(request with { Model = "second" }, null, CancellationToken.None).Images);
        Assert.Equal("CPU", generator.Models.Single(m => m.Name == "second").ExecutionProvider, ignoreCase: true);

        var failure = Assert.Throws<ModelLoadException>(() => generator.Generate(request with { Model = "corrupt" }, null, CancellationToken.None));
        Assert.Contains("corrupt", failure.Message);
        Assert.DoesNotContain(models.FullName, failure.Message);
    }

    [Fact]
    public void AResetModelDropsItsSessionsAndLoadsAgainOnItsNextJob()
    {
        ModelFolders.Copy(Path.Combine(StudioFactory.FixtureModels, "fp32-ids-int64-timestep-float32-one"), Path.Combine(models.FullName, "good"));
        using var generator = new OnnxImageGenerator(
            Options.Create(new InferenceOptions { ModelsDirectory = models.FullName, DefaultModel = "good", ExecutionProvider = "cpu" }),
            new Environment(models.FullName), NullLoggerFactory.Instance);
        var request = new GenerationSettings { Prompt = "a red circle", Seed = 1, Steps = 2, GuidanceScale = 7, Scheduler = "euler", Width = 64, Height = 64, Model = "good" };
        generator.LoadDefaultModel();

        generator.Reset("good");
        var afterReset = generator.Models.Single();
        var image = Assert.Single(generator.Generate(request, null, CancellationToken.None).Images);

        Assert.Equal("not loaded", afterReset.ExecutionProvider);
        Assert.True(afterReset.IsAvailable);
        Assert.Equal(64, image.Image.Width);
        Assert.Equal("CPU", generator.Models.Single().ExecutionProvider, ignoreCase: true);
    }

    [Fact]
    public void AModelWhoseExternalWeightsArePresentPassesTheCheck()
    {
        ModelFolders.Copy(Path.Combine(StudioFactory.FixtureModels, "fp32-ids-int64-timestep-float32-one"), Path.Combine(models.FullName, "external"));
        File.WriteAllBytes(Path.Combine(models.FullName, "external", "unet", "model.onnx"), ModelFolders.WithExternalWeights("weights.pb"));
        File.WriteAllBytes(Path.Combine(models.FullName, "external", "unet", "weights.pb"), new byte[16]);

        ModelFolder.Validate(Path.Combine(models.FullName, "external"));
    }

    public void Dispose() => models.Delete(recursive: true);

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "StableDiffusion.Studio";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
