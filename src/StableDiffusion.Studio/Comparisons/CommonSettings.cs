using System.Globalization;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Comparisons;

/// <summary>
/// What every cell of a comparison shares, as label and value rows in the order of the settings table. A setting an
/// axis varies differs between cells, so it is left out here and shown with the axes instead; a value one cell
/// showed for the whole grid would mislead.
/// </summary>
public static class CommonSettings
{
    public sealed record Row(string Label, string Value);

    public static IReadOnlyList<Row> Of(IReadOnlyCollection<JobRecord> jobs)
    {
        if (jobs.Count == 0)
        {
            return [];
        }

        var perJob = jobs.Select(RowsOf).ToList();
        return perJob[0].Where(row => perJob.All(rows => rows.Contains(row))).ToList();
    }

    /// <summary>A job's settings as rows; optional ones only when they are in use.</summary>
    public static IReadOnlyList<Row> RowsOf(JobRecord job)
    {
        var settings = JobRecords.Settings(job);
        var rows = new List<Row> { new(SettingLabels.Of(Setting.Prompt), job.Prompt) };
        if (job.NegativePrompt.Length > 0)
        {
            rows.Add(new(SettingLabels.Of(Setting.NegativePrompt), job.NegativePrompt));
        }

        if (settings.EmphasisMode != EmphasisMode.Original)
        {
            rows.Add(new(SettingLabels.Of(Setting.EmphasisMode), EmphasisModes.NameOf(settings.EmphasisMode)));
        }

        rows.Add(new(SettingLabels.Of(Setting.Seed), Invariant(job.Seed)));
        if (job.VariationStrength != 0)
        {
            rows.Add(new(SettingLabels.Of(Setting.VariationSeed), Invariant(job.VariationSeed)));
            rows.Add(new(SettingLabels.Of(Setting.VariationStrength), Invariant(job.VariationStrength)));
        }

        rows.Add(new(SettingLabels.Of(Setting.Steps), Invariant(job.Steps)));
        rows.Add(new(SettingLabels.Of(Setting.GuidanceScale), Invariant(job.GuidanceScale)));
        rows.Add(new(SettingLabels.Of(Setting.Scheduler), SamplerCatalog.DisplayNameOf(job.Scheduler)));
        rows.Add(new("Noise source", NoiseSources.NameOf(settings.NoiseSource)));
        rows.Add(new("Size", $"{job.Width}×{job.Height}"));
        if (job.EnableHires)
        {
            rows.Add(new(SettingLabels.Of(Setting.EnableHires), $"{job.HiresUpscaler}, upscale by {Invariant(job.HiresScale)}, denoising strength {Invariant(job.HiresDenoisingStrength)}"));
        }

        rows.Add(new(SettingLabels.Of(Setting.Model), job.Model));
        if (job.Strength is { } strength)
        {
            rows.Add(new(SettingLabels.Of(Setting.Strength), Invariant(strength)));
        }

        return rows;
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
