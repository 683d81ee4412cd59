using Microsoft.AspNetCore.Components;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;

namespace StableDiffusion.Studio.Components.Pages;

public sealed partial class Compare
{
    [Inject]
    private ComparisonService Comparisons { get; set; } = default!;

    [Inject]
    private GenerationService Generation { get; set; } = default!;

    [Inject]
    private CurrentUser User { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    private readonly AxisChoice[] axes = [new("X", AxisKind.Seed, RandomSeeds()), new("Y", null, ""), new("Z", null, "")];
    private GenerationSettings settings = new();
    private SubmitFeedback feedback = SubmitFeedback.None;
    private IReadOnlyList<ComparisonRecord> saved = [];
    private bool submitting;

    protected override async Task OnInitializedAsync()
    {
        settings = await Generation.NewSettingsAsync();
        saved = await Comparisons.ListAsync(await User.GetIdAsync());
    }

    /// <summary>The form's own errors; those of a setting an axis varies show under that axis instead.</summary>
    private IReadOnlyDictionary<Setting, string> FormErrors =>
        feedback.Errors.Where(e => e.Key != Setting.Seed && axes.All(a => a.Kind is not { } kind || ComparisonAxis.SettingOf(kind) != e.Key))
            .ToDictionary(e => e.Key, e => e.Value);

    private string? AxisError(AxisChoice choice) =>
        choice.Kind is { } kind ? feedback.Errors.GetValueOrDefault(ComparisonAxis.SettingOf(kind)) : null;

    private string CellCountText
    {
        get
        {
            var request = Request();
            var counts = axes.Where(a => a.Kind is not null)
                .Select(a => AxisValueParser.TryParse(a.Kind!.Value, a.Values, out var values, out _) ? values.Count : 0).ToList();
            return counts.Any(count => count == 0) || request is null
                ? $"A comparison holds 1 to {GenerationLimits.MaxComparisonCells} cells."
                : $"{string.Join(" × ", counts)} = {counts.Aggregate(1, (a, b) => a * b)} cells (at most {GenerationLimits.MaxComparisonCells}).";
        }
    }

    private static string HelpFor(AxisKind kind) => kind switch
    {
        AxisKind.Seed => "Comma separated, or a range: 1-4; -1 is a random seed",
        AxisKind.GuidanceScale => "Comma separated, or a range: 3-12 (+3), 1-7 [4]",
        AxisKind.Steps => "Comma separated, or a range: 10-40 (+10)",
        AxisKind.Sampler => "Comma separated names, e.g. Euler, DPM++ 2M Karras",
        _ => "The text to find in the prompt first, then each text that replaces it: red, blue, green",
    };

    private static string ExampleFor(AxisKind kind) => kind switch
    {
        AxisKind.Seed => RandomSeeds(),
        AxisKind.GuidanceScale => "3, 7, 12",
        AxisKind.Steps => "10, 20, 30",
        AxisKind.Sampler => "Euler, DPM++ 2M",
        _ => "",
    };

    private static string RandomSeeds() =>
        string.Join(", ", Enumerable.Range(0, 4).Select(_ => Random.Shared.NextInt64(0, GenerationLimits.MaxSeed)));

    /// <summary>A new setting for an axis starts from an example of its values; choosing the same one keeps what was typed.</summary>
    private void Choose(AxisChoice choice, AxisKind? kind)
    {
        if (choice.Kind == kind)
        {
            return;
        }

        choice.Kind = kind;
        choice.Values = kind is { } chosen ? ExampleFor(chosen) : "";
    }

    private ComparisonRequest? Request()
    {
        var inputs = axes.Select(a => a.Kind is { } kind ? new AxisInput(kind, a.Values ?? "") : null).ToArray();
        return inputs[0] is { } x ? new ComparisonRequest(settings, x, inputs[1], inputs[2]) : null;
    }

    private async Task CreateAsync()
    {
        if (Request() is not { } request)
        {
            return;
        }

        submitting = true;
        try
        {
            var (comparison, outcome) = await Comparisons.CreateAsync(await User.GetIdAsync(), request);
            feedback = SubmitFeedback.From(outcome);
            if (comparison is not null)
            {
                Navigation.NavigateTo($"/compare/{comparison.Id}");
            }
        }
        finally
        {
            submitting = false;
        }
    }

    /// <summary>One axis as the form edits it: a Y or Z of no kind is not used.</summary>
    private sealed class AxisChoice(string role, AxisKind? kind, string values)
    {
        public string Role { get; } = role;

        public AxisKind? Kind { get; set; } = kind;

        public string Values { get; set; } = values;
    }
}
