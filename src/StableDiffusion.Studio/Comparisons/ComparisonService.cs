using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>
/// The same settings over up to three axes (A1111's X/Y/Z plot) as one saved grid whose cells are ordinary jobs,
/// filled in as they finish.
/// </summary>
public sealed class ComparisonService(IDbContextFactory<StudioDbContext> contexts, IJobSubmission submission)
{
    /// <summary>
    /// Queues every cell, or none. An axis's error is one of the setting it varies (<see cref="ComparisonAxis.Setting"/>),
    /// so the form shows it under that axis; a grid of too many cells is an error of X.
    /// </summary>
    public async Task<(ComparisonRecord? Comparison, SubmitOutcome Outcome)> CreateAsync(string ownerId, ComparisonRequest request, CancellationToken cancellationToken = default)
    {
        if (Plan(request) is not { } axes)
        {
            return (null, new SubmitOutcome.Invalid(Errors(request)));
        }

        // Without a seed axis every cell shares one seed, also when the form asked for a random one.
        var settings = request.Settings with { };
        if (settings.Seed == -1 && axes.All.All(axis => axis.Kind != AxisKind.Seed))
        {
            settings.Seed = Random.Shared.NextInt64(0, GenerationLimits.MaxSeed);
        }

        var comparison = new ComparisonRecord
        {
            Id = Guid.CreateVersion7(),
            OwnerId = ownerId,
            Title = string.IsNullOrWhiteSpace(request.Title) ? Shorten(request.Settings.Prompt) : request.Title.Trim(),
            Kind = ComparisonKind.Axes,
            Seeds = "",
            Axes = axes.ToJson(),
        };
        var outcome = await submission.SubmitComparisonAsync(ownerId, axes.CellSettings(settings), comparison, cancellationToken);
        return (outcome is SubmitOutcome.Queued ? comparison : null, outcome);
    }

    /// <summary>The request's axes, parsed; null when <see cref="Errors"/> has something to say.</summary>
    public static ComparisonAxes? Plan(ComparisonRequest request) => Errors(request).Count == 0 ? Parse(request) : null;

    /// <summary>What is wrong with the request's axes, keyed by the setting of the axis it concerns.</summary>
    public static IReadOnlyDictionary<Setting, string> Errors(ComparisonRequest request)
    {
        var errors = new Dictionary<Setting, string>();
        var seen = new HashSet<AxisKind>();
        foreach (var (role, input) in new[] { ("X", request.X), ("Y", request.Y), ("Z", request.Z) })
        {
            if (input is null)
            {
                continue;
            }

            var setting = ComparisonAxis.SettingOf(input.Kind);
            if (!seen.Add(input.Kind))
            {
                errors.TryAdd(setting, $"Two axes vary {ComparisonAxis.NameOf(input.Kind)}: choose another setting for {role}.");
            }
            else if (!AxisValueParser.TryParse(input.Kind, input.Values, out var values, out var error))
            {
                errors.TryAdd(setting, $"{role}: {error}");
            }
            else if (input.Kind == AxisKind.PromptReplace && !Found(values[0], request))
            {
                errors.TryAdd(setting, $"{role}: \"{values[0]}\" is not in the prompt or the negative prompt; the first value is the text each value replaces.");
            }
        }

        if (errors.Count == 0 && Parse(request).CellCount is var count and > GenerationLimits.MaxComparisonCells)
        {
            errors[ComparisonAxis.SettingOf(request.X.Kind)] =
                $"That makes {count} cells; a comparison holds 1 to {GenerationLimits.MaxComparisonCells}. Use fewer values.";
        }

        return errors;
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

    private static ComparisonAxes Parse(ComparisonRequest request) => new(Axis(request.X)!, Axis(request.Y), Axis(request.Z));

    private static ComparisonAxis? Axis(AxisInput? input) =>
        input is not null && AxisValueParser.TryParse(input.Kind, input.Values, out var values, out _) ? new ComparisonAxis(input.Kind, values) : null;

    private static bool Found(string text, ComparisonRequest request) =>
        request.Settings.Prompt.Contains(text, StringComparison.Ordinal) || request.Settings.NegativePrompt.Contains(text, StringComparison.Ordinal);

    private static string Shorten(string prompt) => prompt.Length <= 80 ? prompt : prompt[..77] + "...";
}
