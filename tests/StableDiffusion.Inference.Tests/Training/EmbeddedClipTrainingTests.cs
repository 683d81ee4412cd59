using System.Diagnostics;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Training;

/// <summary>
/// The embedded model has no PyTorch checkpoint, only its ONNX graphs: training/recover_checkpoint.py rebuilds one
/// (and fails when the recovered weights, exported again, do not give the shipped graphs bit for bit), and
/// training/train_clip.py trains the embedded CLIP model from it. Both must keep working against the shipped model.
/// </summary>
public sealed class EmbeddedClipTrainingTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("tiny-shapes-clip-smoke-").FullName;

    [Fact]
    public async Task CheckpointRecoveredFromTheShippedGraphsTrainsAClipFolderInTheOpenAiLayout()
    {
        var checkpoint = Path.Combine(output, "tiny-shapes.pt");
        var recovered = await RunAsync("training/recover_checkpoint.py", "--model", "models/tiny-shapes", "--out", checkpoint);
        foreach (var part in new[] { "text_encoder", "unet", "vae_decoder", "vae_encoder" })
        {
            Assert.Contains($"{part}: re-exported graph identical to the shipped one", recovered, StringComparison.Ordinal);
        }

        var clip = Path.Combine(output, "clip");
        await RunAsync("training/train_clip.py", "--checkpoint", checkpoint, "--out", clip, "--steps", "2", "--minutes", "2");
        string[] expected =
        [
            "text_model.onnx", "vision_model.onnx", "preprocessor_config.json", "config.json", "clip_metrics.json",
            "tokenizer/vocab.json", "tokenizer/merges.txt",
        ];
        var missing = expected.Where(file => !File.Exists(Path.Combine(clip, file))).ToList();
        Assert.Empty(missing);
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            WorkingDirectory = ModelFixtures.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The rest of the suite runs alongside: OpenMP threads that spin while they wait would starve it.
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{arguments[0]} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    public void Dispose() => Directory.Delete(output, recursive: true);
}
