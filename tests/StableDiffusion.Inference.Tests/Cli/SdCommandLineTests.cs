using System.Reflection;
using System.Text.Json;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary>Runs the real <c>sd</c> entry point in-process with the console redirected.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class SdCommandLineTests
{
    [Fact]
    public void TokenizePrintsGoldenIdsAsJson()
    {
        var (exitCode, output, _) = Run("tokenize", "a photograph of an astronaut riding a horse", "--vocab", ReferenceData.ClipTokenizer());

        Assert.Equal(0, exitCode);
        Assert.Equal("[49406,320,8853,539,550,18376,6765,320,4558,49407]", output.Trim());
    }

    [Fact]
    public void TokenizeReadsTheTokenizerFolderOfAModel()
    {
        var model = Directory.CreateTempSubdirectory("model-");
        try
        {
            var tokenizer = Directory.CreateDirectory(Path.Combine(model.FullName, "tokenizer"));
            foreach (var file in new[] { "vocab.json", "merges.txt" })
            {
                File.Copy(ReferenceData.ClipTokenizer(file), Path.Combine(tokenizer.FullName, file));
            }

            var (exitCode, output, _) = Run("tokenize", "five dogs in a pool", "--model", model.FullName);

            Assert.Equal(0, exitCode);
            Assert.Equal("[49406,3127,3255,530,320,2831,49407]", output.Trim());
        }
        finally
        {
            model.Delete(recursive: true);
        }
    }

    [Fact]
    public void TokenizePrintsEveryIdPastSeventySevenWithoutAWarning()
    {
        // Long prompts are encoded in chunks now: nothing is dropped, so there is nothing to warn about.
        var (exitCode, output, error) = Run("tokenize", string.Join(' ', Enumerable.Repeat("horse", 80)), "--vocab", ReferenceData.ClipTokenizer());

        Assert.Equal(0, exitCode);
        Assert.Equal(82, JsonSerializer.Deserialize<int[]>(output)!.Length);
        Assert.Empty(error);
    }

    [Fact]
    public void TokenizeWithMissingFolderFailsWithOneLine()
    {
        var (exitCode, _, error) = Run("tokenize", "hi", "--vocab", Path.Combine(Path.GetTempPath(), "no-such-tokenizer-folder"));

        Assert.NotEqual(0, exitCode);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("torch", new[] { -1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383 })]
    [InlineData("philox", new[] { -0.9246624112129211, -0.42534396052360535, -2.643845796585083, 0.14518387615680695 })]
    public void NoisePrintsGoldenValues(string rng, double[] firstFour)
    {
        var (exitCode, output, _) = Run("noise", "--seed", "0", "--shape", "1,4,2,2", "--rng", rng);

        Assert.Equal(0, exitCode);
        var values = JsonSerializer.Deserialize<float[]>(output)!;
        Assert.Equal(16, values.Length);
        for (var i = 0; i < firstFour.Length; i++)
        {
            Assert.Equal(firstFour[i], values[i], 1e-5);
        }
    }

    [Fact]
    public void NoiseValuesReadBackToTheSameFloats()
    {
        var (_, output, _) = Run("noise", "--seed", "42", "--shape", "64");
        var printed = JsonSerializer.Deserialize<float[]>(output)!;

        var expected = new float[64];
        StableDiffusion.Inference.Randomness.NoiseGenerators.Create(StableDiffusion.Inference.Randomness.NoiseSource.Torch, 42).Fill(expected);

        Assert.Equal(expected, printed);
    }

    [Fact]
    public void NoiseWithCallsPrintsConsecutivePhiloxDrawsAsAnArrayOfArrays()
    {
        var (exitCode, output, _) = Run("noise", "--seed", "0", "--shape", "3,4", "--rng", "philox", "--calls", "3");

        Assert.Equal(0, exitCode);
        var draws = JsonSerializer.Deserialize<float[][]>(output)!;
        Assert.Equal(3, draws.Length);
        Assert.All(draws, draw => Assert.Equal(12, draw.Length));

        // The first value of each of the three calls in rng-philox-sequence.json (seed 0, shape 3,4).
        Assert.Equal(-0.9246624112129211, draws[0][0], 1e-5);
        Assert.Equal(0.18082588911056519, draws[1][0], 1e-5);
        Assert.Equal(2.5440971851348877, draws[2][0], 1e-5);
    }

    [Fact]
    public void NoiseWithOneCallIsAnArrayOfOneArrayAndWithoutCallsTheFlatArray()
    {
        var (_, flat, _) = Run("noise", "--seed", "7", "--shape", "2,3");
        var (_, nested, _) = Run("noise", "--seed", "7", "--shape", "2,3", "--calls", "1");

        Assert.Equal($"[{flat.Trim()}]", nested.Trim());
    }

    [Theory]
    [InlineData("noise", "--seed", "1", "--shape", "4", "--calls", "0")]
    [InlineData("noise", "--seed", "1", "--shape", "4", "--calls", "-2")]
    [InlineData("noise", "--seed", "1", "--shape", "4", "--calls", "x")]
    [InlineData("noise", "--seed", "1", "--shape", "1024,1024", "--calls", "1000")]
    [InlineData("noise", "--seed", "1", "--shape", "1,x,2")]
    [InlineData("noise", "--seed", "1", "--shape", "0,4")]
    [InlineData("noise", "--seed", "1", "--shape", "100000,100000")]
    [InlineData("noise", "--shape", "1,4")]
    [InlineData("noise", "--seed", "1", "--shape", "4", "--rng", "cuda")]
    [InlineData("noise", "--seed", "abc", "--shape", "4")]
    public void BadNoiseArgumentsFailWithoutStackTrace(params string[] args)
    {
        var (exitCode, _, error) = Run(args);

        Assert.NotEqual(0, exitCode);
        Assert.NotEmpty(error.Trim());
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void HelpDescribesTheNoiseOptions()
    {
        var (exitCode, output, _) = Run("noise", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--shape", output);
        Assert.Contains("philox", output);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var entryPoint = Assembly.Load("sd").EntryPoint!;
        var (originalOut, originalError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exitCode = (int)entryPoint.Invoke(null, [args])!;
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
