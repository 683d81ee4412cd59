using System.Globalization;
using System.Text.Json.Serialization;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>One axis of a comparison: the setting it varies and its values, stored as parsed (sampler ids, invariant numbers).</summary>
public sealed record ComparisonAxis(AxisKind Kind, IReadOnlyList<string> Values)
{
    /// <summary>The setting whose values the axis supplies: its errors show where the axis is chosen.</summary>
    [JsonIgnore]
    public Setting Setting => SettingOf(Kind);

    [JsonIgnore]
    public string Name => NameOf(Kind);

    /// <summary>How value <paramref name="index"/> reads in a label: a sampler by its display name, text in quotes.</summary>
    public string Label(int index) => Kind switch
    {
        AxisKind.Sampler => SamplerCatalog.DisplayNameOf(Values[index]),
        AxisKind.PromptReplace => $"\u201c{Values[index]}\u201d",
        _ => Values[index],
    };

    /// <summary>A cell's settings with value <paramref name="index"/> applied to <paramref name="cell"/> (a copy).</summary>
    public GenerationSettings Apply(GenerationSettings cell, int index)
    {
        var value = Values[index];
        return Kind switch
        {
            AxisKind.Seed => cell with { Seed = long.Parse(value, CultureInfo.InvariantCulture) },
            AxisKind.GuidanceScale => cell with { GuidanceScale = double.Parse(value, CultureInfo.InvariantCulture) },
            AxisKind.Steps => cell with { Steps = int.Parse(value, CultureInfo.InvariantCulture) },
            AxisKind.Sampler => cell with { Scheduler = value },
            // As A1111's Prompt S/R: the first value is what is found, so its cell keeps the prompts as they are.
            AxisKind.PromptReplace => cell with
            {
                Prompt = cell.Prompt.Replace(Values[0], value, StringComparison.Ordinal),
                NegativePrompt = cell.NegativePrompt.Replace(Values[0], value, StringComparison.Ordinal),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(index), Kind, "Unknown axis."),
        };
    }

    public static string NameOf(AxisKind kind) => kind switch
    {
        AxisKind.Seed => "Seed",
        AxisKind.GuidanceScale => "CFG scale",
        AxisKind.Steps => "Steps",
        AxisKind.Sampler => "Sampler",
        AxisKind.PromptReplace => "Prompt S/R",
        _ => kind.ToString(),
    };

    public static Setting SettingOf(AxisKind kind) => kind switch
    {
        AxisKind.Seed => Setting.Seed,
        AxisKind.GuidanceScale => Setting.GuidanceScale,
        AxisKind.Steps => Setting.Steps,
        AxisKind.Sampler => Setting.Scheduler,
        _ => Setting.Prompt,
    };
}
