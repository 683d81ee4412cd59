using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.VisualBasic.FileIO;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>
/// An axis's values as A1111's X/Y/Z plot reads them (scripts/xyz_grid.py): a comma-separated list in which a value
/// may be quoted to hold a comma, and for numbers ranges: <c>1-5</c>, <c>1-10 (+2)</c> (a step), <c>1-3 [5]</c> (a count,
/// evenly spaced). A seed of -1 is drawn at random now, so the grid can be made again.
/// </summary>
public static partial class AxisValueParser
{
    public static bool TryParse(AxisKind kind, string? text, [NotNullWhen(true)] out IReadOnlyList<string>? values, [NotNullWhen(false)] out string? error)
    {
        values = null;
        var items = Split(text ?? "");
        if (items.Count == 0)
        {
            error = "Give at least one value.";
            return false;
        }

        var parsed = new List<string>();
        foreach (var item in items)
        {
            error = kind switch
            {
                AxisKind.Seed or AxisKind.Steps => AddWholeNumbers(parsed, item, kind),
                AxisKind.GuidanceScale => AddNumbers(parsed, item),
                AxisKind.Sampler => AddSampler(parsed, item),
                _ => Add(parsed, item),
            };
            if (error is null && parsed.Count > GenerationLimits.MaxComparisonCells)
            {
                error = $"\"{item}\" makes more than {GenerationLimits.MaxComparisonCells} values, the most a comparison holds.";
            }

            if (error is not null)
            {
                return false;
            }
        }

        values = parsed;
        error = null;
        return true;
    }

    /// <summary>CSV fields as Python's <c>csv.reader(skipinitialspace=True)</c> gives them to A1111; empty ones dropped.</summary>
    private static List<string> Split(string text)
    {
        using var parser = new TextFieldParser(new StringReader(text)) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        var fields = new List<string>();
        try
        {
            while (!parser.EndOfData)
            {
                fields.AddRange(parser.ReadFields() ?? []);
            }
        }
        catch (MalformedLineException)
        {
            // An unbalanced quote: read the text as plain commas rather than refuse it.
            return [.. text.Split(',', StringSplitOptions.TrimEntries)];
        }

        return fields.Where(field => field.Length > 0).ToList();
    }

    private static string? Add(List<string> values, string item)
    {
        values.Add(item);
        return null;
    }

    private static string? AddSampler(List<string> values, string item)
    {
        if (SamplerCatalog.IdOf(item) is not { } id)
        {
            return $"\"{item}\" is not a sampler. Samplers: {string.Join(", ", SamplerCatalog.All.Select(entry => entry.DisplayName))}.";
        }

        values.Add(id);
        return null;
    }

    private static string? AddWholeNumbers(List<string> values, string item, AxisKind kind)
    {
        var numbers = new List<long>();
        if (WholeRange().Match(item) is { Success: true } range)
        {
            var (start, end) = (Whole(range.Groups["start"]), Whole(range.Groups["end"]));
            if (range.Groups["count"].Success)
            {
                var count = (int)Math.Min(Whole(range.Groups["count"]), GenerationLimits.MaxComparisonCells + 1);
                numbers.AddRange(Spaced(start, end, count).Select(v => (long)Math.Round(v)));
            }
            else
            {
                var step = range.Groups["step"].Success ? Whole(range.Groups["step"]) : start <= end ? 1 : -1;
                if (step == 0 || (end - start) / step < 0)
                {
                    return $"\"{item}\" never reaches {end}: give a step towards it, e.g. ({(end >= start ? "+" : "-")}1).";
                }

                for (var v = start; step > 0 ? v <= end : v >= end; v += step)
                {
                    numbers.Add(v);
                    if (numbers.Count > GenerationLimits.MaxComparisonCells)
                    {
                        break;
                    }
                }
            }
        }
        else if (long.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var single))
        {
            numbers.Add(single);
        }
        else
        {
            return $"\"{item}\" is not a whole number or a range such as 1-5 or 1-10 (+2).";
        }

        if (kind == AxisKind.Seed)
        {
            if (numbers.Any(seed => seed is < -1 or > GenerationLimits.MaxSeed))
            {
                return $"Seeds must be -1 (random) or between 0 and {GenerationLimits.MaxSeed}.";
            }

            numbers = numbers.Select(seed => seed == -1 ? Random.Shared.NextInt64(0, GenerationLimits.MaxSeed) : seed).ToList();
        }

        values.AddRange(numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        return null;
    }

    private static string? AddNumbers(List<string> values, string item)
    {
        var numbers = new List<double>();
        if (DecimalRange().Match(item) is { Success: true } range)
        {
            var (start, end) = (Decimal(range.Groups["start"]), Decimal(range.Groups["end"]));
            if (range.Groups["count"].Success)
            {
                numbers.AddRange(Spaced(start, end, (int)Math.Min(Decimal(range.Groups["count"]), GenerationLimits.MaxComparisonCells + 1)));
            }
            else
            {
                var step = range.Groups["step"].Success ? Decimal(range.Groups["step"]) : start <= end ? 1 : -1;
                if (step == 0 || (end - start) / step < 0)
                {
                    return $"\"{item}\" never reaches {end.ToString(CultureInfo.InvariantCulture)}: give a step towards it, e.g. ({(end >= start ? "+" : "-")}0.5).";
                }

                // Counted in whole steps, with a little slack, so 1-2 (+0.1) ends at 2 despite rounding.
                var steps = (int)Math.Min(Math.Floor(((end - start) / step) + 1e-9), GenerationLimits.MaxComparisonCells);
                numbers.AddRange(Enumerable.Range(0, steps + 1).Select(i => start + (i * step)));
            }
        }
        else if (double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var single) && double.IsFinite(single))
        {
            numbers.Add(single);
        }
        else
        {
            return $"\"{item}\" is not a number or a range such as 3-9 or 1-2 (+0.5).";
        }

        values.AddRange(numbers.Select(n => Math.Round(n, 4).ToString(CultureInfo.InvariantCulture)));
        return null;
    }

    /// <summary>numpy's <c>linspace(start, end, count)</c>.</summary>
    private static IEnumerable<double> Spaced(double start, double end, int count) =>
        count <= 1 ? [start] : Enumerable.Range(0, count).Select(i => start + ((end - start) * i / (count - 1)));

    private static long Whole(Group group) => long.Parse(group.Value.Replace(" ", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static double Decimal(Group group) => double.Parse(group.Value.Replace(" ", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    // A1111's re_range and re_range_count, in one pattern.
    [GeneratedRegex(@"^(?<start>[+-]?\s*\d+)\s*-\s*(?<end>[+-]?\s*\d+)(?:\s*\((?<step>[+-]?\s*\d+)\s*\)|\s*\[(?<count>\d+)\s*\])?$")]
    private static partial Regex WholeRange();

    // A1111's re_range_float and re_range_count_float.
    [GeneratedRegex(@"^(?<start>[+-]?\s*\d+(?:\.\d*)?)\s*-\s*(?<end>[+-]?\s*\d+(?:\.\d*)?)(?:\s*\((?<step>[+-]?\s*\d+(?:\.\d*)?)\s*\)|\s*\[(?<count>\d+)\s*\])?$")]
    private static partial Regex DecimalRange();
}
