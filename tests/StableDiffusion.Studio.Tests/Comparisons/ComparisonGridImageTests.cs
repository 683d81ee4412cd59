using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Storage;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Comparisons;

public sealed class ComparisonGridImageTests(StudioFactory studio) : IClassFixture<StudioFactory>
{
    private static readonly Rgba32 White = new(255, 255, 255);

    [Fact]
    public async Task TheGridPngHasLabelBandsAndEachCellAsItsImageScaledByWholePixels()
    {
        var comparison = await MakeAsync("grid export", new AxisInput(AxisKind.GuidanceScale, "3, 9"), new AxisInput(AxisKind.Steps, "2, 4"));
        var alice = studio.CreateClientFor("alice");

        using var response = await alice.GetAsync(ComparisonFileEndpoints.GridUrl(comparison.Id, download: true));
        using var grid = Image.Load<Rgba32>(await response.Content.ReadAsByteArrayAsync());

        // 64-px cells ×2 would make the grid 396 px wide, under the 512 a link preview needs, so ×3: 192-px cells.
        // Width: margin 8 + row labels 120 + 2 cells + gap 4 + margin 8; height: margin 8 + column labels 48 + 2 cells + gap 4 + margin 8.
        Assert.Equal((8 + 120 + (2 * 192) + 4 + 8, 8 + 48 + (2 * 192) + 4 + 8), (grid.Width, grid.Height));
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("grid-export-42.grid.png", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        // Text in the column band above the cells and in the row band beside them.
        Assert.True(Inked(grid, 128, 8, 388, 48) > 100, "The column labels are missing.");
        Assert.True(Inked(grid, 8, 56, 120, 192) > 20, "The first row's label is missing.");
        Assert.True(Inked(grid, 8, 252, 120, 192) > 20, "The second row's label is missing.");

        // The cell of CFG 9 at 4 steps (second column, second row) is its image with each pixel a square block.
        var cell = comparison.Jobs.Single(j => j.GuidanceScale == 9 && j.Steps == 4).Images.Single();
        using var source = Image.Load<Rgba32>(await alice.GetByteArrayAsync(ImageFileEndpoints.Url(cell.Id)));
        var block = 192 / source.Width;
        var (left, top) = (128 + 192 + 4, 56 + 192 + 4);
        Assert.NotEqual(White, grid[left + 1, top + 1]);
        foreach (var (x, y) in new[] { (0, 0), (source.Width - 1, source.Height - 1), (source.Width / 2, 1) })
        {
            Assert.Equal(source[x, y], grid[left + (block * x), top + (block * y)]);
            Assert.Equal(source[x, y], grid[left + (block * x) + block - 1, top + (block * y) + block - 1]);
        }
    }

    [Fact]
    public async Task AGridIsOnlyItsOwnersAndADeletedImageLeavesAGreyCellThatSaysSo()
    {
        var comparison = await MakeAsync("deleted cell", new AxisInput(AxisKind.Seed, "1, 2"));
        var first = comparison.Jobs.Single(j => j.CellColumn == 0).Images.Single();
        File.Delete(studio.Services.GetRequiredService<ImageFileStore>().Find(first.FilePath)!);

        using var grid = Image.Load<Rgba32>(await studio.CreateClientFor("alice").GetByteArrayAsync(ComparisonFileEndpoints.GridUrl(comparison.Id)));
        var stranger = await studio.CreateClientFor("bob").GetAsync(ComparisonFileEndpoints.GridUrl(comparison.Id));

        var layout = ComparisonGridImage.LayoutOf(comparison);
        var cell = layout.Cell(0, 0, 0);
        Assert.Equal(new Rgba32(216, 216, 222), grid[cell.Left + 1, cell.Top + 1]);
        Assert.True(Inked(grid, cell.Left, cell.Top, cell.Width, cell.Height, new Rgba32(216, 216, 222)) > 50, "The deleted cell says nothing.");
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal("deleted", ComparisonGridImage.EmptyWord(comparison.Jobs[0]));
    }

    [Fact]
    public async Task AZAxisStacksOneTitledGridPerValue()
    {
        var comparison = await MakeAsync("three axes", new AxisInput(AxisKind.Seed, "1, 2"), null, new AxisInput(AxisKind.Steps, "2, 3"));

        var layout = ComparisonGridImage.LayoutOf(comparison);
        using var grid = Image.Load<Rgba32>(await studio.CreateClientFor("alice").GetByteArrayAsync(ComparisonFileEndpoints.GridUrl(comparison.Id)));

        // One grid: title 32 + column labels 48 + one row of cells; two grids 16 apart, inside an 8-px margin.
        Assert.Equal(8 + (2 * (32 + 48 + layout.CellHeight)) + 16 + 8, grid.Height);
        Assert.True(Inked(grid, 8, layout.CellsTop(1) - 48 - 32, grid.Width - 16, 32) > 50, "The second grid's title is missing.");
    }

    private async Task<ComparisonRecord> MakeAsync(string prompt, AxisInput x, AxisInput? y = null, AxisInput? z = null)
    {
        var comparisons = studio.Services.GetRequiredService<ComparisonService>();
        var (comparison, result) = await comparisons.CreateAsync("alice", new ComparisonRequest(Settings.Valid(prompt), x, y, z));
        foreach (var job in Assert.IsType<SubmitOutcome.Queued>(result).Jobs)
        {
            await studio.WaitForFinishAsync("alice", job.Id);
        }

        return (await comparisons.GetAsync("alice", comparison!.Id))!;
    }

    /// <summary>Pixels in the rectangle that differ from the background: drawn text.</summary>
    private static int Inked(Image<Rgba32> image, int left, int top, int width, int height, Rgba32? background = null)
    {
        var count = 0;
        for (var y = top; y < top + height; y++)
        {
            for (var x = left; x < left + width; x++)
            {
                count += image[x, y] == (background ?? White) ? 0 : 1;
            }
        }

        return count;
    }
}
