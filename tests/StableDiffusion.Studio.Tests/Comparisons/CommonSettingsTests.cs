using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Tests.Comparisons;

public sealed class CommonSettingsTests
{
    [Fact]
    public void OnlyWhatEveryCellSharesIsCommonNotWhatAnAxisVaries()
    {
        var jobs = new[] { (3.0, 10), (9.0, 10), (3.0, 20), (9.0, 20) }.Select(cell => new JobRecord
        {
            OwnerId = "alice", Prompt = "two red squares", NegativePrompt = "blurry", Model = "tiny-shapes", Scheduler = "dpmpp-2m",
            Seed = 1234, Width = 64, Height = 64, GuidanceScale = cell.Item1, Steps = cell.Item2,
        }).ToList();

        var common = CommonSettings.Of(jobs).ToDictionary(row => row.Label, row => row.Value);

        Assert.Equal("two red squares", common["Prompt"]);
        Assert.Equal("blurry", common["Negative prompt"]);
        Assert.Equal("1234", common["Seed"]);
        Assert.Equal("DPM++ 2M", common["Sampler"]);
        Assert.Equal("64×64", common["Size"]);
        Assert.Equal("tiny-shapes", common["Model"]);
        Assert.DoesNotContain("CFG scale", common.Keys);
        Assert.DoesNotContain("Steps", common.Keys);
    }

    [Fact]
    public void ASeedAxisLeavesTheSeedOutAndOneCellHasEverySetting()
    {
        var jobs = new[] { 1L, 2L }.Select(seed => new JobRecord { OwnerId = "a", Prompt = "p", Model = "m", Scheduler = "euler", Seed = seed, Steps = 4 }).ToList();

        Assert.DoesNotContain(CommonSettings.Of(jobs), row => row.Label == "Seed");
        Assert.Contains(CommonSettings.Of(jobs[..1]), row => row is { Label: "Seed", Value: "1" });
        Assert.Empty(CommonSettings.Of([]));
    }
}
