using System.Diagnostics;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary>The real <c>sd</c> executable in its own process: exit codes and what reaches stdout and stderr.</summary>
public sealed class SdProcessTests
{
    [Fact]
    public void InfoPrintsTheUnetInputsAndExitsZero()
    {
        var (exitCode, stdout, stderr) = Sd("info", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "--provider", "cpu");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("input  timestep: int64 [batch]", stdout);
    }

    [Fact]
    public void UnusableModelExitsNonZeroWithOneLineAndNoStackTrace()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int32Int64Batch);
        File.WriteAllBytes(copy.PathOf("unet/model.onnx"), [0x08, 0x07, 0x12, 0x05]);

        var (exitCode, stdout, stderr) = Sd("generate", "--model", copy.Directory, "--prompt", "x", "--out", copy.PathOf("x.png"), "--provider", "cpu");

        Assert.NotEqual(0, exitCode);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("unet/model.onnx", line);
        Assert.DoesNotContain("   at ", stderr);
    }

    private static (int ExitCode, string Output, string Error) Sd(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sd.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}
