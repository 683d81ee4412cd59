using StableDiffusion.Inference.Scheduling;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>
/// The same settings over several seeds, or seeds × one other setting (A1111's X/Y plot), as one saved grid whose
/// cells are ordinary jobs filled in as they finish.
/// </summary>
public sealed class ComparisonService(IDbContextFactory<StudioDbContext> contexts, IJobSubmission submission)
{
    /// <summary>
    /// Queues every cell, or none. A wrong seed list is an error of <see cref="Setting.Seed"/>, a wrong axis value one
    /// of the setting the axis varies (<see cref="AxisSetting"/>).
    /// </summary>
    public async Task<(ComparisonRecord? Comparison, SubmitOutcome Outcome)> CreateAsync(string ownerId, ComparisonRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Seeds.Count is < GenerationLimits.MinComparisonSeeds or > GenerationLimits.MaxComparisonSeeds)
        {
            return (null, new SubmitOutcome.Invalid(Setting.Seed, $"Give between {GenerationLimits.MinComparisonSeeds} and {GenerationLimits.MaxComparisonSeeds} seeds."));
        }

        if (request.Seeds.Any(s => s is < 0 or > GenerationLimits.MaxSeed))
        {
            return (null, new SubmitOutcome.Invalid(Setting.Seed, $"Seeds must be between 0 and {GenerationLimits.MaxSeed}."));
        }

        var rows = request.Kind == ComparisonKind.Seeds ? [""] : request.AxisValues;
        if (rows.Count is < 1 or > GenerationLimits.MaxComparisonRows)
        {
            return (null, new SubmitOutcome.Invalid(AxisSetting(request.Kind), $"Give between 1 and {GenerationLimits.MaxComparisonRows} values."));
        }

        var cells = new List<GenerationSettings>();
        var normalized = new List<string>();
        foreach (var row in rows)
        {
            foreach (var seed in request.Seeds)
            {
                var cell = request.Settings with { Seed = seed, BatchSize = 1, BatchCount = 1 };
                if (!Apply(cell, request.Kind, row))
                {
                    return (null, new SubmitOutcome.Invalid(AxisSetting(request.Kind), $"\"{row}\" is not a valid value for this axis."));
                }

                cells.Add(cell);
            }

            normalized.Add(Normalize(request.Kind, row));
        }

        var comparison = new ComparisonRecord
        {
            Id = Guid.CreateVersion7(),
            OwnerId = ownerId,
            Title = string.IsNullOrWhiteSpace(request.Title) ? Shorten(request.Settings.Prompt) : request.Title.Trim(),
            Kind = request.Kind,
            Seeds = string.Join(",", request.Seeds),
            AxisValues = request.Kind == ComparisonKind.Seeds ? "" : string.Join(",", normalized),
        };
        var outcome = await submission.SubmitComparisonAsync(ownerId, cells, comparison, cancellationToken);
        return (outcome is SubmitOutcome.Queued ? comparison : null, outcome);
    }

    /// <summary>An owned comparison with its cells and their images.</summary>
    public async Task<ComparisonRecord?> GetAsync(string ownerId, Guid comparisonId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Comparisons.AsNoTracking().Include(c => c.Jobs).ThenInclude(j => j.Images)
            .FirstOrDefaultAsync(c => c.Id == comparisonId && c.OwnerId == ownerId, cancellationToken);
    }

    public async Task<IReadOnlyList<ComparisonRecord>> ListAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Comparisons.AsNoTracking().Where(c => c.OwnerId == ownerId).OrderByDescending(c => c.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Row labels of a comparison: "" for a seed grid, else the axis values.</summary>
    public static IReadOnlyList<string> Rows(ComparisonRecord comparison) =>
        comparison.Kind == ComparisonKind.Seeds ? [""] : comparison.AxisValues.Split(',');

    public static IReadOnlyList<long> Columns(ComparisonRecord comparison) =>
        comparison.Seeds.Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();

    /// <summary>The setting a comparison's rows vary; a seed grid varies only the seed.</summary>
    public static Setting AxisSetting(ComparisonKind kind) => kind switch
    {
        ComparisonKind.SeedsByGuidance => Setting.GuidanceScale,
        ComparisonKind.SeedsBySteps => Setting.Steps,
        ComparisonKind.SeedsBySampler => Setting.Scheduler,
        _ => Setting.Seed,
    };

    private static bool Apply(GenerationSettings cell, ComparisonKind kind, string value)
    {
        var v = value.Trim();
        switch (kind)
        {
            case ComparisonKind.Seeds:
                return true;
            case ComparisonKind.SeedsByGuidance when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var cfg):
                cell.GuidanceScale = cfg;
                return true;
            case ComparisonKind.SeedsBySteps when int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var steps):
                cell.Steps = steps;
                return true;
            case ComparisonKind.SeedsBySampler when SamplerCatalog.IdOf(v) is { } id:
                cell.Scheduler = id;
                return true;
            default:
                return false;
        }
    }

    // Sampler rows are stored as scheduler ids, whatever name the user typed.
    private static string Normalize(ComparisonKind kind, string value) =>
        kind == ComparisonKind.SeedsBySampler ? SamplerCatalog.IdOf(value) ?? value.Trim() : value.Trim();

    private static string Shorten(string prompt) => prompt.Length <= 80 ? prompt : prompt[..77] + "...";
}
