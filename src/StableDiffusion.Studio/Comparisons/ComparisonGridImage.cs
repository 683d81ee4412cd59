using SkiaSharp;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>
/// A comparison as one PNG, as A1111's X/Y/Z plot saves it: X's values over the columns, Y's beside the rows, one grid
/// per Z value under its own title. Small images are scaled up by whole pixels (nearest-neighbour) until a cell is at
/// least <see cref="MinCellWidth"/> wide, so labels fit and the embedded model's 64-px images stay crisp, and the
/// whole image at least <see cref="MinWidth"/> wide, so chat apps unfurl it as a link preview.
/// </summary>
public static class ComparisonGridImage
{
    public const int MinCellWidth = 128;
    public const int MinWidth = 512;
    public const int Margin = 8;
    public const int Gap = 4;

    /// <summary>Two lines above the cells: X's name, then each column's value.</summary>
    public const int ColumnBand = 48;

    /// <summary>Beside the rows, when there is a Y axis: each row's value.</summary>
    public const int RowBand = 120;

    /// <summary>Above each grid, when there is a Z axis: its value.</summary>
    public const int GridTitleBand = 32;

    public static readonly SKColor Background = SKColors.White;
    private static readonly SKColor Text = new(32, 32, 32);
    private static readonly SKColor EmptyCell = new(216, 216, 222);
    private static readonly SKColor EmptyText = new(80, 80, 88);
    private const float FontSize = 16;
    private const float TitleSize = 18;
    private static readonly Lazy<SKTypeface> Typeface = new(LoadTypeface);

    /// <summary>Where everything goes, from the comparison's axes and cell size alone (no file is read).</summary>
    public sealed record Layout(ComparisonAxes Axes, int Scale, int CellWidth, int CellHeight)
    {
        public int Left => Margin + (Axes.Y is null ? 0 : RowBand);

        public int GridHeight => (Axes.Z is null ? 0 : GridTitleBand) + ColumnBand + (Axes.Rows * CellHeight) + ((Axes.Rows - 1) * Gap);

        public int Width => Left + (Axes.Columns * CellWidth) + ((Axes.Columns - 1) * Gap) + Margin;

        public int Height => Margin + (Axes.Grids * GridHeight) + ((Axes.Grids - 1) * Margin * 2) + Margin;

        /// <summary>The top of grid <paramref name="grid"/>'s first row of cells.</summary>
        public int CellsTop(int grid) => Margin + (grid * (GridHeight + (Margin * 2))) + (Axes.Z is null ? 0 : GridTitleBand) + ColumnBand;

        public SKRectI Cell(int grid, int row, int column)
        {
            var (x, y) = (Left + (column * (CellWidth + Gap)), CellsTop(grid) + (row * (CellHeight + Gap)));
            return new SKRectI(x, y, x + CellWidth, y + CellHeight);
        }
    }

    public static Layout LayoutOf(ComparisonRecord comparison)
    {
        var axes = ComparisonAxes.Of(comparison);
        var first = comparison.Jobs.FirstOrDefault();
        var (width, height) = first is { Width: > 0, Height: > 0 } ? (first.Width, first.Height) : (64, 64);
        var scale = Math.Max(1, (MinCellWidth + width - 1) / width);
        while (new Layout(axes, scale, width * scale, height * scale).Width < MinWidth)
        {
            scale++;
        }

        return new Layout(axes, scale, width * scale, height * scale);
    }

    public static byte[] Render(ComparisonRecord comparison, ImageFileStore files)
    {
        var layout = LayoutOf(comparison);
        var axes = layout.Axes;
        using var surface = SKSurface.Create(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(Background);
        using var font = new SKFont(Typeface.Value, FontSize) { Subpixel = true };
        using var titleFont = new SKFont(Typeface.Value, TitleSize) { Subpixel = true };
        using var text = new SKPaint { Color = Text, IsAntialias = true };
        using var emptyText = new SKPaint { Color = EmptyText, IsAntialias = true };
        using var empty = new SKPaint { Color = EmptyCell };
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);

        for (var grid = 0; grid < axes.Grids; grid++)
        {
            var cellsTop = layout.CellsTop(grid);
            var cellsRight = layout.Cell(grid, 0, axes.Columns - 1).Right;
            if (axes.Z is { } z)
            {
                DrawText(canvas, $"{z.Name}: {z.Label(grid)}", Margin, cellsTop - ColumnBand - 10, layout.Width - (2 * Margin), SKTextAlign.Left, titleFont, text);
            }

            DrawText(canvas, axes.X.Name, (layout.Left + cellsRight) / 2f, cellsTop - 28, cellsRight - layout.Left, SKTextAlign.Center, font, text);
            for (var column = 0; column < axes.Columns; column++)
            {
                var cell = layout.Cell(grid, 0, column);
                DrawText(canvas, axes.X.Label(column), cell.MidX, cellsTop - 8, cell.Width - 4, SKTextAlign.Center, font, text);
            }

            if (axes.Y is { } y)
            {
                DrawText(canvas, y.Name, Margin, cellsTop - 8, RowBand - 8, SKTextAlign.Left, font, text);
                for (var row = 0; row < axes.Rows; row++)
                {
                    var cell = layout.Cell(grid, row, 0);
                    DrawText(canvas, y.Label(row), Margin + ((RowBand - 8) / 2f), cell.MidY + (FontSize / 2) - 2, RowBand - 8, SKTextAlign.Center, font, text);
                }
            }

            for (var row = 0; row < axes.Rows; row++)
            {
                for (var column = 0; column < axes.Columns; column++)
                {
                    var cell = layout.Cell(grid, row, column);
                    var job = axes.JobAt(comparison, grid, row, column);
                    var path = job?.Images.FirstOrDefault() is { } image ? files.Find(image.FilePath) : null;
                    using var source = path is null ? null : SKImage.FromEncodedData(path);
                    if (source is not null)
                    {
                        canvas.DrawImage(source, new SKRect(cell.Left, cell.Top, cell.Right, cell.Bottom), sampling);
                    }
                    else
                    {
                        canvas.DrawRect(new SKRect(cell.Left, cell.Top, cell.Right, cell.Bottom), empty);
                        DrawText(canvas, EmptyWord(job), cell.MidX, cell.MidY + (FontSize / 2) - 2, cell.Width - 4, SKTextAlign.Center, font, emptyText);
                    }
                }
            }
        }

        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>What an empty cell says: its image was deleted, or it has none yet.</summary>
    public static string EmptyWord(JobRecord? job) => job?.Status switch
    {
        JobStatus.Succeeded => "deleted",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => "waiting",
    };

    /// <summary>Text shrunk (to three quarters) and then cut with an ellipsis until it fits <paramref name="maxWidth"/>.</summary>
    private static void DrawText(SKCanvas canvas, string value, float x, float baseline, float maxWidth, SKTextAlign align, SKFont font, SKPaint paint)
    {
        using var fitted = new SKFont(font.Typeface, font.Size) { Subpixel = true };
        while (fitted.MeasureText(value) > maxWidth && fitted.Size > font.Size * 0.75f)
        {
            fitted.Size -= 1;
        }

        while (value.Length > 1 && fitted.MeasureText(value) > maxWidth)
        {
            value = value[..^2] + "…";
        }

        canvas.DrawText(value, x, baseline, align, fitted, paint);
    }

    private static SKTypeface LoadTypeface()
    {
        // DejaVu Sans ships inside the assembly (Fonts/LICENSE-DejaVu.txt): servers often have no fonts installed.
        using var stream = typeof(ComparisonGridImage).Assembly.GetManifestResourceStream("StableDiffusion.Studio.Comparisons.DejaVuSans.ttf")
                           ?? throw new InvalidOperationException("The grid's font is missing from the assembly.");
        var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException("The grid's font could not be read.");
    }
}
