using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Sharing;

/// <summary>
/// The og:image a chat app or social site shows when a share link is pasted: the image, or a comparison's whole
/// grid, scaled up by whole pixels (nearest-neighbour) until it is at least <see cref="MinWidth"/> wide. Unfurlers
/// skip images much smaller than that, and smooth scaling would blur the embedded model's 64-px images.
/// </summary>
public static class SharePreview
{
    public const int MinWidth = 512;
    private const int Gap = 4;
    private static readonly Rgba32 Background = new(30, 30, 36);
    private static readonly Rgba32 EmptyCell = new(70, 70, 80);

    /// <summary>A whole factor that makes <paramref name="width"/> at least <see cref="MinWidth"/>.</summary>
    public static int ScaleFor(int width) => width <= 0 ? 1 : Math.Max(1, (MinWidth + width - 1) / width);

    public static (int Width, int Height) SizeOf(ImageRecord image) => (image.Width * ScaleFor(image.Width), image.Height * ScaleFor(image.Width));

    public static (int Width, int Height) SizeOf(ComparisonRecord comparison)
    {
        var (cell, rows, columns) = GridOf(comparison);
        var scale = ScaleFor((columns * cell.Width) + ((columns - 1) * Gap));
        return (Span(columns, cell.Width * scale), Span(rows, cell.Height * scale));
    }

    public static byte[] Render(ImageRecord image, ImageFileStore files)
    {
        using var source = Image.Load<Rgba32>(files.Find(image.FilePath) ?? throw new FileNotFoundException("The shared image's file is gone."));
        var (width, height) = SizeOf(image);
        source.Mutate(x => x.Resize(width, height, KnownResamplers.NearestNeighbor));
        return Png(source);
    }

    /// <summary>The grid as the page shows it: a row per axis value, a column per seed; a cell without an image stays grey.</summary>
    public static byte[] Render(ComparisonRecord comparison, ImageFileStore files)
    {
        var (cell, rows, columns) = GridOf(comparison);
        var scale = ScaleFor((columns * cell.Width) + ((columns - 1) * Gap));
        var (cellWidth, cellHeight) = (cell.Width * scale, cell.Height * scale);
        using var grid = new Image<Rgba32>(Span(columns, cellWidth), Span(rows, cellHeight), Background);
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                var at = new Point(column * (cellWidth + Gap), row * (cellHeight + Gap));
                var image = comparison.Jobs.FirstOrDefault(j => j.CellRow == row && j.CellColumn == column)?.Images.FirstOrDefault();
                if (image is not null && files.Find(image.FilePath) is { } path)
                {
                    using var source = Image.Load<Rgba32>(path);
                    source.Mutate(x => x.Resize(cellWidth, cellHeight, KnownResamplers.NearestNeighbor));
                    grid.Mutate(x => x.DrawImage(source, at, 1f));
                }
                else
                {
                    using var empty = new Image<Rgba32>(cellWidth, cellHeight, EmptyCell);
                    grid.Mutate(x => x.DrawImage(empty, at, 1f));
                }
            }
        }

        return Png(grid);
    }

    private static ((int Width, int Height) Cell, int Rows, int Columns) GridOf(ComparisonRecord comparison)
    {
        var first = comparison.Jobs.FirstOrDefault();
        var cell = first is null ? (64, 64) : (first.Width, first.Height);
        return (cell, Math.Max(1, ComparisonService.Rows(comparison).Count), Math.Max(1, ComparisonService.Columns(comparison).Count));
    }

    private static int Span(int count, int size) => (count * size) + ((count - 1) * Gap);

    private static byte[] Png(Image image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
