using System.Globalization;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// <see cref="GenerationSettings"/> ↔ A1111's infotext, the one place the two meet: what A1111's create_infotext
/// (modules/processing.py) records for an image, and what its "PNG Info → Send to txt2img" (modules/infotext_utils.py)
/// reads back into settings.
/// </summary>
public static class InfotextMapping
{
    /// <summary>The infotext of one image, from that image's settings (<see cref="GeneratedImage.Settings"/>: its own seed).</summary>
    /// <param name="modelName">The model folder's name; null leaves the key out.</param>
    /// <param name="modelHash">A1111's 10-digit <see cref="ModelHash.Short"/>; null leaves the key out.</param>
    /// <param name="batchPosition">The image's place in its batch (<see cref="GeneratedImage.BatchPosition"/>).</param>
    public static InfotextSettings ToInfotext(GenerationSettings settings, string? modelName, string? modelHash, int batchPosition = 0)
    {
        var sampler = SamplerCatalog.Get(settings.Scheduler);
        var extra = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        // A1111's "VAE" (add_vae_name_to_info): the swapped VAE's name, left out when the model's own decodes. "Text
        // encoder" is the studio's own key, A1111 having no such choice.
        if (settings.Vae is { } vae)
        {
            extra[VaeKey] = vae;
        }

        if (settings.TextEncoder is { } textEncoder)
        {
            extra[TextEncoderKey] = textEncoder;
        }

        if (settings.BatchSize > 1)
        {
            // As A1111 up to 1.5 wrote them, only for batches of two or more; its "PNG Info" still reads "Batch size" back.
            extra[BatchSizeKey] = settings.BatchSize.ToString(CultureInfo.InvariantCulture);
            extra[BatchPositionKey] = batchPosition.ToString(CultureInfo.InvariantCulture);
        }

        if (settings.EnableHires)
        {
            // extra_generation_params in the order StableDiffusionProcessingTxt2Img.init adds them, before the prompt's keys.
            if (settings.HiresResizeWidth == 0 && settings.HiresResizeHeight == 0)
            {
                extra[HiresScaleKey] = settings.HiresScale.ToString("R", CultureInfo.InvariantCulture);
            }
            else
            {
                extra[HiresResizeKey] = Size(settings.HiresResizeWidth, settings.HiresResizeHeight);
            }

            if (settings.HiresSteps > 0)
            {
                extra[HiresStepsKey] = settings.HiresSteps.ToString(CultureInfo.InvariantCulture);
            }

            extra[HiresUpscalerKey] = settings.HiresUpscaler;
        }

        // sd_hijack_clip.py: "Emphasis" only away from the default, and only when a prompt has a bracket it could act on.
        if (settings.EmphasisMode != EmphasisMode.Original && (HasBracket(settings.Prompt) || HasBracket(settings.NegativePrompt)))
        {
            extra[EmphasisKey] = EmphasisModes.NameOf(settings.EmphasisMode);
        }
        // sd_samplers_common.py add_infotext: "Pad conds: True" only when padding happened; the pipeline clears the
        // setting on images where the two prompts already had one length.
        if (settings.PadPrompts)
        {
            extra[PadCondsKey] = "True";
        }
        if (settings.VariationStrength != 0)
        {
            // A1111 records the variation only when it is used.
            extra[VariationSeedKey] = settings.VariationSeed.ToString(CultureInfo.InvariantCulture);
            extra[VariationStrengthKey] = settings.VariationStrength.ToString("R", CultureInfo.InvariantCulture);
        }

        if (settings.SeedResizeFromWidth > 0 && settings.SeedResizeFromHeight > 0)
        {
            extra[SeedResizeKey] = Size(settings.SeedResizeFromWidth, settings.SeedResizeFromHeight);
        }

        // The studio's own key (A1111 has no step caching): written only for Fast, so an Exact image's text is A1111's.
        if (settings.Speed == Speed.Fast)
        {
            extra[SpeedKey] = nameof(Speed.Fast);
        }

        if (settings.InitImage is not null && settings.Mask is not null)
        {
            InpaintingInfotext.Write(settings, extra);
        }

        return new InfotextSettings(settings.Prompt, settings.NegativePrompt, settings.Steps, sampler.SamplerName,
            settings.GuidanceScale, settings.Seed, settings.Width, settings.Height)
        {
            ScheduleType = sampler.ScheduleType,
            ModelHash = modelHash,
            Model = modelName,
            DenoisingStrength = settings.EnableHires ? settings.HiresDenoisingStrength : settings.InitImage is null ? null : settings.Strength,
            Rng = RngName(settings.NoiseSource),
            Extra = extra,
        };
    }

    /// <summary>
    /// The settings an infotext records. A sampler this studio does not have becomes Stable Diffusion 1.5's default
    /// scheduler; the noise source follows <see cref="NoiseSourceOf"/>. The init image is not in the text, so it is null.
    /// </summary>
    public static GenerationSettings FromInfotext(InfotextSettings info)
    {
        var settings = new GenerationSettings
        {
            Prompt = info.Prompt,
            NegativePrompt = info.NegativePrompt,
            Seed = info.Seed,
            Steps = info.Steps,
            GuidanceScale = info.CfgScale,
            Scheduler = SamplerCatalog.IdOf(info.Sampler, info.ScheduleType) ?? ModelDefaults.StableDiffusion15.Scheduler,
            NoiseSource = NoiseSourceOf(info.Rng),
            Width = info.Width,
            Height = info.Height,
            Model = info.Model ?? "",
            Vae = NameOrModel(info.Extra.GetValueOrDefault(VaeKey)),
            TextEncoder = NameOrModel(info.Extra.GetValueOrDefault(TextEncoderKey)),
        };
        if (info.Extra.TryGetValue(EmphasisKey, out var emphasis))
        {
            // A1111's get_current_option: a name it does not know means "Original".
            settings.EmphasisMode = EmphasisModes.FromName(emphasis) ?? EmphasisMode.Original;
        }
        settings.PadPrompts = info.Extra.TryGetValue(PadCondsKey, out var pad) && string.Equals(pad, "True", StringComparison.OrdinalIgnoreCase);

        // A1111's txt2img paste: hires is on when the text has a denoising strength and any hires key.
        var hires = info.DenoisingStrength is not null
            && (info.Extra.ContainsKey(HiresScaleKey) || info.Extra.ContainsKey(HiresUpscalerKey) || info.Extra.ContainsKey(HiresResizeKey));
        if (hires)
        {
            settings.EnableHires = true;
            settings.HiresDenoisingStrength = info.DenoisingStrength!.Value;
            settings.HiresScale = Number(info, HiresScaleKey) ?? settings.HiresScale;
            settings.HiresSteps = Number(info, HiresStepsKey) is { } hiresSteps ? (int)hiresSteps : 0;
            settings.HiresUpscaler = info.Extra.GetValueOrDefault(HiresUpscalerKey) ?? HiresUpscalers.Default;
            (settings.HiresResizeWidth, settings.HiresResizeHeight) = SizeOf(info, HiresResizeKey) ?? (0, 0);
        }
        else if (info.DenoisingStrength is { } strength)
        {
            settings.Strength = strength;
        }

        if (Number(info, BatchSizeKey) is { } batchSize && batchSize == Math.Floor(batchSize) && batchSize is >= 1 and <= int.MaxValue)
        {
            settings.BatchSize = (int)batchSize;
        }

        (settings.SeedResizeFromWidth, settings.SeedResizeFromHeight) = SizeOf(info, SeedResizeKey) ?? (0, 0);
        settings.Speed = string.Equals(info.Extra.GetValueOrDefault(SpeedKey), nameof(Speed.Fast), StringComparison.OrdinalIgnoreCase) ? Speed.Fast : Speed.Exact;

        InpaintingInfotext.Read(info.Extra, settings);
        if (Number(info, VariationStrengthKey) is { } variationStrength && Number(info, VariationSeedKey) is { } variationSeed)
        {
            (settings.VariationSeed, settings.VariationStrength) = ((long)variationSeed, variationStrength);
        }
        return settings;
    }

    private const string VaeKey = "VAE";
    private const string TextEncoderKey = "Text encoder";
    private const string BatchSizeKey = "Batch size";
    private const string BatchPositionKey = "Batch pos";
    private const string EmphasisKey = "Emphasis";
    private const string PadCondsKey = "Pad conds";
    private const string VariationSeedKey = "Variation seed";
    private const string VariationStrengthKey = "Variation seed strength";
    private const string SeedResizeKey = "Seed resize from";
    private const string SpeedKey = "Speed";
    private const string HiresScaleKey = "Hires upscale";
    private const string HiresResizeKey = "Hires resize";
    private const string HiresStepsKey = "Hires steps";
    private const string HiresUpscalerKey = "Hires upscaler";

    private static string Size(int width, int height) => string.Create(CultureInfo.InvariantCulture, $"{width}x{height}");

    /// <summary>A "WxH" value, as infotext_utils splits it into "key-1" and "key-2".</summary>
    private static (int Width, int Height)? SizeOf(InfotextSettings info, string key)
    {
        if (!info.Extra.TryGetValue(key, out var text) || text.Split('x') is not [var w, var h])
        {
            return null;
        }

        return int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var height)
                ? (width, height)
                : null;
    }

    /// <summary>A part's name, or null (the model's own) for none or A1111's "None" and "Automatic".</summary>
    private static string? NameOrModel(string? name) =>
        string.IsNullOrWhiteSpace(name) || name is "None" or "Automatic" ? null : name.Trim();

    private static bool HasBracket(string prompt) => prompt.Contains('(') || prompt.Contains('[');

    private static double? Number(InfotextSettings info, string key) =>
        info.Extra.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The RNG value A1111 writes for images made with this source.</summary>
    public static string RngName(NoiseSource source) => source switch
    {
        NoiseSource.Torch => "CPU",
        NoiseSource.Philox => "NV",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown noise source."),
    };

    /// <summary>
    /// The source that reproduces an infotext's RNG: "CPU" is torch's CPU generator; "NV", and "GPU" (or no key, A1111's
    /// default) made on the NVIDIA cards nearly all A1111 images come from, are Philox.
    /// </summary>
    public static NoiseSource NoiseSourceOf(string? rng) =>
        string.Equals(rng, "CPU", StringComparison.OrdinalIgnoreCase) ? NoiseSource.Torch : NoiseSource.Philox;
}
