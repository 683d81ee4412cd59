using System.Diagnostics;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Training;

/// <summary>
/// Runs training/train.py --smoke (every stage for a few steps) so the script that makes the embedded model
/// cannot rot: it must still train, export and write the Stable Diffusion ONNX folder layout.
/// </summary>
public sealed class TrainingSmokeTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("tiny-shapes-smoke-").FullName;

    [Fact]
    public async Task SmokeTrainingWritesACompleteOnnxModelFolder()
    {
        var repoRoot = ModelFixtures.RepositoryRoot;
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The rest of the suite runs alongside: OpenMP threads that spin while they wait would starve it and the
        // smoke run alike.
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        foreach (var argument in new[] { "training/train.py", "--smoke", "--out", output })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"train.py --smoke exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        string[] expected =
        [
            "model_index.json", "scheduler/scheduler_config.json", "defaults.json", "latent_rgb_factors.json",
            "tokenizer/vocab.json", "tokenizer/merges.txt", "text_encoder/model.onnx", "unet/model.onnx",
            "vae_decoder/model.onnx", "vae_decoder/config.json", "vae_encoder/model.onnx",
        ];
        var missing = expected.Where(file => !File.Exists(Path.Combine(output, file))).ToList();
        Assert.Empty(missing);
    }

    public void Dispose() => Directory.Delete(output, recursive: true);
}
