using Bunit;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Components;

public sealed class CompareGridTests : ComponentTestContext
{
    [Fact]
    public void AnXyGridHasOneColumnPerSeedAndOneRowPerValueFilledAsCellsFinish()
    {
        var comparison = new ComparisonRecord
        {
            Id = Guid.NewGuid(), OwnerId = "alice", Title = "cfg sweep", Kind = ComparisonKind.SeedsByGuidance, Seeds = "1,2,3,4", AxisValues = "3,7",
        };
        for (var row = 0; row < 2; row++)
        {
            for (var column = 0; column < 4; column++)
            {
                var job = new JobRecord
                {
                    Id = Guid.NewGuid(), OwnerId = "alice", Prompt = "p", Scheduler = "euler", Model = "m", CellRow = row, CellColumn = column,
                    Status = row == 0 ? JobStatus.Succeeded : JobStatus.Queued,
                };
                if (row == 0)
                {
                    job.Images.Add(new ImageRecord { Id = Guid.NewGuid(), OwnerId = "alice", FilePath = "x.png", Parameters = "", Seed = column + 1 });
                }

                comparison.Jobs.Add(job);
            }
        }

        var running = comparison.Jobs.First(j => j.CellRow == 1 && j.CellColumn == 0);
        var live = new Dictionary<Guid, JobUpdate> { [running.Id] = new(running.Id, "alice", JobStatus.Running, 5, 10, 0, 1, null, null, null, []) };

        var grid = Render<CompareGrid>(p => p
            .Add(g => g.Comparison, comparison)
            .Add(g => g.ImageUrl, image => $"/img/{image.Seed}")
            .Add(g => g.Live, id => live.GetValueOrDefault(id)));

        Assert.Equal(["CFG scale", "Seed 1", "Seed 2", "Seed 3", "Seed 4"], grid.FindAll("thead th").Select(th => th.TextContent));
        Assert.Equal(["3", "7"], grid.FindAll("tbody th").Select(th => th.TextContent));
        Assert.Equal(8, grid.FindAll("[data-testid=compare-cell]").Count);
        Assert.Equal(["/img/1", "/img/2", "/img/3", "/img/4"], grid.FindAll("img").Select(i => i.GetAttribute("src")));
        Assert.Single(grid.FindAll("[aria-label='Cell progress']"));
        Assert.Equal(3, grid.FindAll(".studio-cell-status").Count(s => s.TextContent == "Queued"));
    }

    [Fact]
    public void ACellWhoseImageWasDeletedShowsAPlaceholderNotItsJobStatus()
    {
        var comparison = new ComparisonRecord { Id = Guid.NewGuid(), OwnerId = "alice", Title = "seeds", Kind = ComparisonKind.Seeds, Seeds = "5,6,7,8" };
        comparison.Jobs.Add(new JobRecord { Id = Guid.NewGuid(), OwnerId = "alice", Prompt = "p", Scheduler = "euler", Model = "m", Status = JobStatus.Succeeded });

        var grid = Render<CompareGrid>(p => p.Add(g => g.Comparison, comparison).Add(g => g.ImageUrl, _ => ""));

        Assert.Equal("Image deleted", grid.Find("[data-testid=deleted-cell]").GetAttribute("aria-label"));
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

    [Fact]
    public void ASeedGridHasNoRowHeader()
    {
        var comparison = new ComparisonRecord { Id = Guid.NewGuid(), OwnerId = "alice", Title = "seeds", Kind = ComparisonKind.Seeds, Seeds = "5,6,7,8" };

        var grid = Render<CompareGrid>(p => p.Add(g => g.Comparison, comparison).Add(g => g.ImageUrl, _ => ""));

        Assert.Equal(["Seed 5", "Seed 6", "Seed 7", "Seed 8"], grid.FindAll("thead th").Select(th => th.TextContent));
        Assert.Empty(grid.FindAll("tbody th"));
    }
}
