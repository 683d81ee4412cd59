using Bunit;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Components;

public sealed class CompareGridTests : ComponentTestContext
{
    [Fact]
    public void AnXyGridHasOneColumnPerXValueAndOneRowPerYValueFilledAsCellsFinish()
    {
        var axes = new ComparisonAxes(new ComparisonAxis(AxisKind.GuidanceScale, ["3", "7", "12", "20"]), new ComparisonAxis(AxisKind.Steps, ["10", "20"]));
        var comparison = Comparison(axes, (row, _) => row == 0);
        var running = comparison.Jobs.First(j => j.CellRow == 1 && j.CellColumn == 0);
        var live = new Dictionary<Guid, JobUpdate> { [running.Id] = new(running.Id, "alice", JobStatus.Running, 5, 10, 0, 1, null, null, null, []) };

        var grid = Render<CompareGrid>(p => p
            .Add(g => g.Comparison, comparison)
            .Add(g => g.ImageUrl, image => $"/img/{image.Seed}")
            .Add(g => g.CellHref, image => $"/images/{image.Seed}")
            .Add(g => g.Live, id => live.GetValueOrDefault(id)));

        Assert.Equal(["CFG scale", "Steps", "3", "7", "12", "20"], grid.FindAll("thead th").Select(th => th.TextContent));
        Assert.Equal(["10", "20"], grid.FindAll("tbody th").Select(th => th.TextContent));
        Assert.Equal(8, grid.FindAll("[data-testid=compare-cell]").Count);
        Assert.Equal(["/img/0", "/img/1", "/img/2", "/img/3"], grid.FindAll("img").Select(i => i.GetAttribute("src")));
        Assert.Equal(["/images/0", "/images/1", "/images/2", "/images/3"], grid.FindAll("a.studio-cell-link").Select(a => a.GetAttribute("href")));
        Assert.Equal("CFG scale 7, Steps 10", grid.FindAll("img")[1].GetAttribute("alt"));
        Assert.Single(grid.FindAll("[aria-label='CFG scale 3, Steps 20: in progress']"));
        Assert.Equal(3, grid.FindAll(".studio-cell-status").Count(s => s.TextContent == "Queued"));
        Assert.Equal("4/8", grid.Find("[data-testid=compare-progress]").TextContent);
        Assert.Equal("4", grid.Find("progress").GetAttribute("value"));
    }

    [Fact]
    public void EveryCellHasItsImagesSizeBeforeTheImageArrives()
    {
        var axes = new ComparisonAxes(new ComparisonAxis(AxisKind.Seed, ["1", "2"]), new ComparisonAxis(AxisKind.Steps, ["2", "4"]));
        var comparison = Comparison(axes, (row, column) => row == 0 && column == 0, width: 96, height: 64);

        var grid = Render<CompareGrid>(p => p.Add(g => g.Comparison, comparison).Add(g => g.ImageUrl, _ => "/x"));

        var boxes = grid.FindAll(".studio-cell-box");
        Assert.Equal(4, boxes.Count);
        Assert.All(boxes, box => Assert.Contains("aspect-ratio: 96 / 64", box.GetAttribute("style")));
        Assert.Contains("--studio-columns: 2", grid.Find("table").GetAttribute("style"));
    }

    [Fact]
    public void WithoutAYAxisTheCellsWrapEachUnderItsValue()
    {
        var axes = new ComparisonAxes(new ComparisonAxis(AxisKind.Seed, [.. Enumerable.Range(1, 16).Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        var comparison = Comparison(axes, (_, column) => column < 5);

        var grid = Render<CompareGrid>(p => p.Add(g => g.Comparison, comparison).Add(g => g.ImageUrl, _ => "/x"));

        Assert.Empty(grid.FindAll("table"));
        Assert.Equal(16, grid.FindAll("ul.studio-compare-wrap > li[data-testid=compare-cell]").Count);
        Assert.Equal("16", grid.FindAll(".studio-compare-label")[15].TextContent);
        Assert.Equal("5/16", grid.Find("[data-testid=compare-progress]").TextContent);
    }

    [Fact]
    public void AZAxisMakesOneTitledGridPerValue()
    {
        var axes = new ComparisonAxes(new ComparisonAxis(AxisKind.Seed, ["1", "2"]), new ComparisonAxis(AxisKind.Steps, ["2", "4"]),
            new ComparisonAxis(AxisKind.Sampler, ["euler", "ddim"]));
        var comparison = Comparison(axes, (_, _) => false);

        var grid = Render<CompareGrid>(p => p.Add(g => g.Comparison, comparison).Add(g => g.ImageUrl, _ => "/x"));

        Assert.Equal(["Sampler: Euler", "Sampler: DDIM"], grid.FindAll("h2").Select(h => h.TextContent));
        Assert.Equal(2, grid.FindAll("table").Count);
        Assert.Equal(8, grid.FindAll("[data-testid=compare-cell]").Count);
        Assert.Equal("0/8", grid.Find("[data-testid=compare-progress]").TextContent);
    }

    [Fact]
    public void ACellWhoseImageWasDeletedShowsAPlaceholderNotItsJobStatus()
    {
        var comparison = new ComparisonRecord { Id = Guid.NewGuid(), OwnerId = "alice", Title = "seeds", Kind = ComparisonKind.Seeds, Seeds = "5,6,7,8" };
        comparison.Jobs.Add(new JobRecord { Id = Guid.NewGuid(), OwnerId = "alice", Prompt = "p", Scheduler = "euler", Model = "m", Status = JobStatus.Succeeded });

        var grid = Render<CompareGrid>(p => p.Add(g => g.Comparison, comparison).Add(g => g.ImageUrl, _ => ""));

        Assert.Equal("Seed 5: image deleted", grid.Find("[data-testid=deleted-cell]").GetAttribute("aria-label"));
        Assert.Contains("Image deleted", grid.Find("[data-testid=deleted-cell]").TextContent);
        Assert.DoesNotContain("Succeeded", grid.Markup);
    }

    [Fact]
    public void SmallCellImagesArePixelScaledAndLargeOnesAreNot()
    {
        var comparison = new ComparisonRecord { Id = Guid.NewGuid(), OwnerId = "alice", Title = "seeds", Kind = ComparisonKind.Seeds, Seeds = "5,6,7,8" };
        foreach (var (column, width) in new[] { (0, 64), (1, 512) })
        {
            var job = new JobRecord { Id = Guid.NewGuid(), OwnerId = "alice", Prompt = "p", Scheduler = "euler", Model = "m", Status = JobStatus.Succeeded, CellColumn = column };
            job.Images.Add(new ImageRecord { Id = Guid.NewGuid(), OwnerId = "alice", FilePath = "x.png", Parameters = "", Seed = column, Width = width, Height = width });
            comparison.Jobs.Add(job);
        }

        var grid = Render<CompareGrid>(p => p.Add(g => g.Comparison, comparison).Add(g => g.ImageUrl, i => $"/img/{i.Seed}"));

        Assert.Contains("studio-pixelated", grid.Find("img[src='/img/0']").ClassName);
        Assert.DoesNotContain("studio-pixelated", grid.Find("img[src='/img/1']").ClassName);
    }

    /// <summary>A comparison with a job in every cell, numbered as the queue numbers them; <paramref name="done"/> cells have an image.</summary>
    private static ComparisonRecord Comparison(ComparisonAxes axes, Func<int, int, bool> done, int width = 64, int height = 64)
    {
        var comparison = new ComparisonRecord { Id = Guid.NewGuid(), OwnerId = "alice", Title = "sweep", Kind = ComparisonKind.Axes, Seeds = "", Axes = axes.ToJson() };
        for (var row = 0; row < axes.Rows * axes.Grids; row++)
        {
            for (var column = 0; column < axes.Columns; column++)
            {
                var finished = done(row, column);
                var job = new JobRecord
                {
                    Id = Guid.NewGuid(), OwnerId = "alice", Prompt = "p", Scheduler = "euler", Model = "m", CellRow = row, CellColumn = column,
                    Width = width, Height = height, Status = finished ? JobStatus.Succeeded : JobStatus.Queued,
                };
                if (finished)
                {
                    job.Images.Add(new ImageRecord { Id = Guid.NewGuid(), OwnerId = "alice", FilePath = "x.png", Parameters = "", Seed = (row * axes.Columns) + column, Width = width, Height = height });
                }

                comparison.Jobs.Add(job);
            }
        }

        return comparison;
    }
}
