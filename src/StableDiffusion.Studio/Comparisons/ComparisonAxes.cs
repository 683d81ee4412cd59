using System.Text.Json;
using System.Text.Json.Serialization;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>
/// A comparison's axes: <see cref="X"/> across, <see cref="Y"/> down, and <see cref="Z"/> as separate grids, as in
/// A1111's X/Y/Z plot. Cells are numbered grid by grid, row by row: a job's <see cref="JobRecord.CellRow"/> counts the
/// rows of every grid before its own (grid × rows + row) and <see cref="JobRecord.CellColumn"/> is its X index.
/// </summary>
public sealed record ComparisonAxes(ComparisonAxis X, ComparisonAxis? Y = null, ComparisonAxis? Z = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [JsonIgnore]
    public int Columns => X.Values.Count;

    [JsonIgnore]
    public int Rows => Y?.Values.Count ?? 1;

    [JsonIgnore]
    public int Grids => Z?.Values.Count ?? 1;

    [JsonIgnore]
    public int CellCount => Columns * Rows * Grids;

    [JsonIgnore]
    public IEnumerable<ComparisonAxis> All => new[] { X, Y, Z }.OfType<ComparisonAxis>();

    /// <summary>Every cell's settings in the order the queue numbers them (grid, row, column).</summary>
    public IReadOnlyList<GenerationSettings> CellSettings(GenerationSettings baseSettings)
    {
        var cells = new List<GenerationSettings>(CellCount);
        for (var grid = 0; grid < Grids; grid++)
        {
            for (var row = 0; row < Rows; row++)
            {
                for (var column = 0; column < Columns; column++)
                {
                    var cell = baseSettings with { BatchSize = 1, BatchCount = 1 };
                    cell = Z?.Apply(cell, grid) ?? cell;
                    cell = Y?.Apply(cell, row) ?? cell;
                    cells.Add(X.Apply(cell, column));
                }
            }
        }

        return cells;
    }

    /// <summary>The job of a cell, if the comparison has one there.</summary>
    public JobRecord? JobAt(ComparisonRecord comparison, int grid, int row, int column) =>
        comparison.Jobs.FirstOrDefault(j => j.CellRow == (grid * Rows) + row && j.CellColumn == column);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A saved comparison's axes; one saved before axes existed has seeds across and its one other setting down.</summary>
    public static ComparisonAxes Of(ComparisonRecord comparison)
    {
        if (comparison.Axes is { } json && JsonSerializer.Deserialize<ComparisonAxes>(json, Json) is { } axes)
        {
            return axes;
        }

        var seeds = new ComparisonAxis(AxisKind.Seed, Split(comparison.Seeds));
        var rows = Split(comparison.AxisValues);
        return comparison.Kind switch
        {
            ComparisonKind.SeedsByGuidance => new(seeds, new ComparisonAxis(AxisKind.GuidanceScale, rows)),
            ComparisonKind.SeedsBySteps => new(seeds, new ComparisonAxis(AxisKind.Steps, rows)),
            ComparisonKind.SeedsBySampler => new(seeds, new ComparisonAxis(AxisKind.Sampler, rows)),
            _ => new(seeds),
        };
    }

    private static string[] Split(string values) => values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
