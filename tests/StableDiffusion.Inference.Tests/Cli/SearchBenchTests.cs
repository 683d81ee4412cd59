using System.Text.Json;
using StableDiffusion.Cli;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary><c>sd bench --search</c>, in-process.</summary>
public sealed class SearchBenchTests
{
    [Fact]
    public void SearchBenchTimesRankingOverTheRequestedVectorsWithoutAModel()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["bench", "--search", "--search-images", "2000", "--search-dimension", "128"], stdout, stderr);

        Assert.True(exitCode == 0, stderr.ToString());
        using var json = JsonDocument.Parse(Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var root = json.RootElement;
        Assert.Equal(2000, root.GetProperty("images").GetInt32());
        Assert.Equal(128, root.GetProperty("dimension").GetInt32());
        Assert.Equal(21, root.GetProperty("runs").GetInt32());
        foreach (var key in new[] { "rank_ms", "rank_from_bytes_ms" })
        {
            var figures = root.GetProperty(key);
            Assert.True(figures.GetProperty("median").GetDouble() > 0, key);
            Assert.InRange(figures.GetProperty("median").GetDouble(), figures.GetProperty("min").GetDouble(), figures.GetProperty("max").GetDouble());
        }
        Assert.Contains("search over 2000 vectors of 128 floats", stderr.ToString());
    }
}
