using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Comparisons;

public sealed class ComparisonPlanTests
{
    [Fact]
    public void AFixedSeedCfgByStepsGridKeepsTheSeedAndCrossesTheTwoAxes()
    {
        var request = new ComparisonRequest(Settings.Valid(), new AxisInput(AxisKind.GuidanceScale, "3, 9"), new AxisInput(AxisKind.Steps, "2, 4"));

        var axes = ComparisonService.Plan(request)!;
        var cells = axes.CellSettings(Settings.Valid());

        Assert.Equal(4, axes.CellCount);
        Assert.All(cells, cell => Assert.Equal(42, cell.Seed));
        Assert.Equal([(3.0, 2), (9.0, 2), (3.0, 4), (9.0, 4)], cells.Select(c => (c.GuidanceScale, c.Steps)));
    }

    [Fact]
    public void PromptSearchAndReplaceKeepsTheFirstValueAndReplacesItWithEachOther()
    {
        var settings = Settings.Valid("a red circle on a red background") with { NegativePrompt = "red noise" };
        var request = new ComparisonRequest(settings, new AxisInput(AxisKind.PromptReplace, "red, blue, dark green"));

        var cells = ComparisonService.Plan(request)!.CellSettings(settings);

        Assert.Equal(["a red circle on a red background", "a blue circle on a blue background", "a dark green circle on a dark green background"], cells.Select(c => c.Prompt));
        Assert.Equal(["red noise", "blue noise", "dark green noise"], cells.Select(c => c.NegativePrompt));
    }

    [Fact]
    public void PromptSearchForTextThatIsNotInThePromptIsRefused()
    {
        var request = new ComparisonRequest(Settings.Valid("a red circle"), new AxisInput(AxisKind.PromptReplace, "square, circle"));

        var errors = ComparisonService.Errors(request);

        Assert.Null(ComparisonService.Plan(request));
        Assert.Contains("\"square\" is not in the prompt", errors[Setting.Prompt]);
    }

    [Fact]
    public void SixtyFourCellsAreAllowedAndSixtyFiveAreRefusedWithTheCount()
    {
        var full = new ComparisonRequest(Settings.Valid(), new AxisInput(AxisKind.Seed, "1-8"), new AxisInput(AxisKind.Steps, "1-8"));
        var over = new ComparisonRequest(Settings.Valid(), new AxisInput(AxisKind.Seed, "1-13"), new AxisInput(AxisKind.Steps, "1-5"));
        var three = new ComparisonRequest(Settings.Valid(), new AxisInput(AxisKind.Seed, "1-4"), new AxisInput(AxisKind.Steps, "1-4"), new AxisInput(AxisKind.GuidanceScale, "1-5"));

        Assert.Equal(64, ComparisonService.Plan(full)!.CellCount);
        Assert.Equal("That makes 65 cells; a comparison holds 1 to 64. Use fewer values.", ComparisonService.Errors(over)[Setting.Seed]);
        Assert.Contains("That makes 80 cells", ComparisonService.Errors(three)[Setting.Seed]);
    }

    [Fact]
    public void OneCellIsAComparisonToo()
    {
        var request = new ComparisonRequest(Settings.Valid(), new AxisInput(AxisKind.Steps, "3"));

        Assert.Equal(1, ComparisonService.Plan(request)!.CellCount);
    }

    [Fact]
    public void TwoAxesOfOneSettingAreRefused()
    {
        var request = new ComparisonRequest(Settings.Valid(), new AxisInput(AxisKind.Steps, "2, 4"), new AxisInput(AxisKind.Steps, "6, 8"));

        Assert.Equal("Two axes vary Steps: choose another setting for Y.", ComparisonService.Errors(request)[Setting.Steps]);
    }

    [Fact]
    public void AZAxisNumbersCellsGridByGridSoTheirRowsFollowOnePerGrid()
    {
        var request = new ComparisonRequest(Settings.Valid(), new AxisInput(AxisKind.Seed, "1, 2"), new AxisInput(AxisKind.Steps, "2, 4"),
            new AxisInput(AxisKind.Sampler, "Euler, DDIM"));
        var axes = ComparisonService.Plan(request)!;

        var cells = axes.CellSettings(Settings.Valid());
        var comparison = new ComparisonRecord { OwnerId = "alice", Title = "t", Seeds = "", Kind = ComparisonKind.Axes, Axes = axes.ToJson() };
        for (var i = 0; i < cells.Count; i++)
        {
            comparison.Jobs.Add(new JobRecord
            {
                OwnerId = "alice", Prompt = "p", Model = "m", Scheduler = cells[i].Scheduler, Seed = cells[i].Seed, Steps = cells[i].Steps,
                CellRow = i / axes.Columns, CellColumn = i % axes.Columns,
            });
        }

        var cell = ComparisonAxes.Of(comparison).JobAt(comparison, grid: 1, row: 1, column: 0)!;
        Assert.Equal(("ddim", 1L, 4), (cell.Scheduler, cell.Seed, cell.Steps));
        Assert.Equal(["Euler", "DDIM"], new[] { 0, 1 }.Select(axes.Z!.Label));
    }

    [Fact]
    public void AComparisonSavedBeforeAxesExistedReadsAsSeedsAcrossAndItsSettingDown()
    {
        var old = new ComparisonRecord { OwnerId = "alice", Title = "t", Kind = ComparisonKind.SeedsBySampler, Seeds = "1,2,3,4", AxisValues = "euler,ddim" };

        var axes = ComparisonAxes.Of(old);

        Assert.Equal((AxisKind.Seed, 4), (axes.X.Kind, axes.Columns));
        Assert.Equal(AxisKind.Sampler, axes.Y!.Kind);
        Assert.Equal(["Euler", "DDIM"], new[] { 0, 1 }.Select(axes.Y.Label));
        Assert.Null(ComparisonAxes.Of(new ComparisonRecord { OwnerId = "a", Title = "t", Kind = ComparisonKind.Seeds, Seeds = "5,6" }).Y);
    }
}
