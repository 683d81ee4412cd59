using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using StableDiffusion.Inference.Tests.Prompting;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary><c>sd prompt</c> run in-process: its JSON has exactly the shape and values of A1111's golden cases.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class PromptCommandTests
{
    [Theory]
    [InlineData(3)]  // a (cat) on a mat
    [InlineData(13)]  // a ((red:1.3) apple) tree
    [InlineData(25)]  // a (cat:1e2) weight
    public void PromptPrintsOneJsonObjectShapedAndValuedAsTheGoldenCase(int index)
    {
        var golden = PromptWeightingGolden.Cases[index];
        var (exitCode, output, error) = Run("prompt", golden.Prompt, "--vocab", ReferenceData.ClipTokenizer());

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        var printed = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(["parsed", "chunks", "token_count"], printed.Select(pair => pair.Key));
        Assert.True(JsonNode.DeepEquals(Expected(index), printed), $"{output}\ndiffers from the golden case {index}");
    }

    [Fact]
    public void ALongPromptPrintsEveryChunkWithItsSeventySevenTokensAndMultipliers()
    {
        var index = PromptWeightingGolden.Cases.ToList().FindIndex(c => c.Chunks.Count == 4);

        var (exitCode, output, _) = Run("prompt", PromptWeightingGolden.Cases[index].Prompt, "--vocab", ReferenceData.ClipTokenizer());

        Assert.Equal(0, exitCode);
        var chunks = JsonNode.Parse(output)!["chunks"]!.AsArray();
        Assert.Equal(4, chunks.Count);
        Assert.All(chunks, chunk => Assert.Equal((77, 77), (chunk!["tokens"]!.AsArray().Count, chunk["multipliers"]!.AsArray().Count)));
        Assert.True(JsonNode.DeepEquals(Expected(index), JsonNode.Parse(output)));
    }

    [Fact]
    public void WeightsAreWrittenAsPythonWritesFloats()
    {
        var (_, output, _) = Run("prompt", "a ((cat))", "--vocab", ReferenceData.ClipTokenizer());

        Assert.Contains("[\"cat\",1.2100000000000002]", output);
        Assert.Contains("[\"a \",1.0]", output);
    }

    [Fact]
    public void EmphasisNoneKeepsBracketsAsText()
    {
        var (exitCode, output, _) = Run("prompt", "a (cat:1.5)", "--emphasis", "none", "--vocab", ReferenceData.ClipTokenizer());

        Assert.Equal(0, exitCode);
        Assert.Equal("a (cat:1.5)", JsonNode.Parse(output)!["parsed"]![0]![0]!.GetValue<string>());
    }

    [Fact]
    public void AWeightThatIsNoNumberFailsWithOneLine()
    {
        var (exitCode, output, error) = Run("prompt", "a (cat:1.2.3)", "--vocab", ReferenceData.ClipTokenizer());

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("1.2.3", Assert.Single(error.Trim().Split('\n')));
    }

    /// <summary>The golden case as the command's object: its three fields, in A1111's words.</summary>
    private static JsonObject Expected(int index)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReferenceData.Golden("prompt-weighting.json")));
        var item = JsonNode.Parse(document.RootElement.GetProperty("cases")[index].GetRawText())!;
        return new JsonObject
        {
            ["parsed"] = item["parsed"]!.DeepClone(),
            ["chunks"] = item["chunks"]!.DeepClone(),
            ["token_count"] = item["token_count"]!.DeepClone(),
        };
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
