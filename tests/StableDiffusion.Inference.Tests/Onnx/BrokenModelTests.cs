using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Onnx;

public sealed class BrokenModelTests
{
    private static readonly InferenceOptions Cpu = new() { ExecutionProvider = "cpu" };

    [Fact]
    public void MissingUnetFolderIsNamed()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int32Int64Batch);
        Directory.Delete(copy.PathOf("unet"), recursive: true);

        var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(copy.Directory, Cpu));

        Assert.Contains("unet/ folder is missing", error.Message);
    }

    [Fact]
    public void TruncatedUnetIsReportedWithItsFileName()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int32Int64Batch);
        var unet = copy.PathOf("unet/model.onnx");
        var bytes = File.ReadAllBytes(unet);
        File.WriteAllBytes(unet, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(copy.Directory, Cpu));

        Assert.Contains("unet/model.onnx is not a valid ONNX model", error.Message);
    }

    [Fact]
    public void GitLfsPointerInsteadOfTheUnetIsRecognised()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int32Int64Batch);
        File.WriteAllText(copy.PathOf("unet/model.onnx"),
            "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146b8c5d2d8e4c1d2ad8f1a3b7b0c7b3e2f0a1b2c3d4e5f60718293a4b5\nsize 3438167534\n");

        var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(copy.Directory, Cpu));

        Assert.Contains("unet/model.onnx is a Git LFS pointer", error.Message);
    }

    [Fact]
    public void MissingTokenizerFolderIsNamed()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp16Int64FloatScalar);
        Directory.Delete(copy.PathOf("tokenizer"), recursive: true);

        var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(copy.Directory, Cpu));

        Assert.Contains("tokenizer/ folder is missing", error.Message);
    }

    [Fact]
    public void UnetWithoutASampleInputIsNamedWithTheInputItLacks()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.Copy(copy.PathOf("vae_decoder/model.onnx"), copy.PathOf("unet/model.onnx"), overwrite: true);

        var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(copy.Directory, Cpu));

        Assert.Contains("unet/model.onnx has no input 'sample'", error.Message);
    }

    [Fact]
    public void FolderWithoutModelIndexIsNotAModel()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.Delete(copy.PathOf("model_index.json"));

        var error = Assert.Throws<ModelLoadException>(() => StableDiffusionModel.Load(copy.Directory, Cpu));

        Assert.Contains("model_index.json is missing", error.Message);
    }

    [Fact]
    public void UnknownExecutionProviderIsRejected()
    {
        var error = Assert.Throws<ModelLoadException>(() =>
            StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne), new InferenceOptions { ExecutionProvider = "tpu" }));

        Assert.Contains("tpu", error.Message);
    }
}
