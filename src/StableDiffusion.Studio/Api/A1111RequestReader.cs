using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// Reads A1111's <c>StableDiffusionTxt2ImgProcessingAPI</c> / <c>Img2ImgProcessingAPI</c> bodies
/// (modules/api/models.py): every field optional, A1111's API defaults where one is missing (steps 50, sampler
/// Euler, CFG 7, seed -1). Fields the studio does not implement are accepted; the ones set to something that
/// would change the picture are listed as ignored. Hires-fix fields count only with <c>enable_hr</c>, as in A1111.
/// </summary>
public static class A1111RequestReader
{
    public const int DefaultSteps = 50;
    public const double DefaultCfgScale = 7.0;
    public const string DefaultSampler = "Euler";
    public const int DefaultSize = 512;
    public const double DefaultDenoisingStrength = 0.75;

    private static readonly HashSet<string> CommonFields =
    [
        "prompt", "negative_prompt", "seed", "subseed", "subseed_strength", "seed_resize_from_w", "seed_resize_from_h", "sampler_name", "sampler_index",
        "scheduler", "batch_size", "n_iter", "steps", "cfg_scale", "width", "height", "override_settings", "override_settings_restore_afterwards", "send_images",
        // The studio's own fields: "speed" (A1111 has no step caching), "exact" (default) or "fast"; "text_encoder", a
        // standalone text encoder's name (A1111 has no such choice), absent for the model's own.
        "speed", "text_encoder",
    ];

    private static readonly HashSet<string> TextToImageFields =
        [.. CommonFields, "enable_hr", "hr_scale", "hr_upscaler", "hr_second_pass_steps", "hr_resize_x", "hr_resize_y", "denoising_strength"];

    private static readonly HashSet<string> ImageToImageFields =
        [.. CommonFields, "init_images", "denoising_strength", "include_init_images", .. A1111InpaintingFields.Names];

    /// <summary>StableDiffusionProcessingTxt2Img's hr_scale.</summary>
    public const double DefaultHiresScale = 2.0;

    // Values that ask for nothing the studio does not do: A1111's defaults, and what the studio always does (it
    // always saves to the gallery, and resizes the init image to the requested size, as resize_mode 0).
    private static readonly Dictionary<string, JsonNode[]> Unremarkable = new()
    {
        ["save_images"] = [true], ["resize_mode"] = [0], ["mask_blur"] = [4], ["inpainting_fill"] = [0],
        ["inpaint_full_res"] = [true], ["inpaint_full_res_padding"] = [0, 32], ["inpainting_mask_invert"] = [0],
        ["initial_noise_multiplier"] = [1], ["clip_skip"] = [1], ["CLIP_stop_at_last_layers"] = [1], ["s_noise"] = [1],
        ["denoising_strength"] = [DefaultDenoisingStrength],
    };

    /// <param name="randnSource">The caller's <c>randn_source</c> option, used unless override_settings gives one.</param>
    /// <param name="vae">The caller's <c>sd_vae</c> option (null for "Automatic"), used unless override_settings gives one.</param>
    public static A1111Translation Read(JsonObject body, bool imageToImage, ApiModel model, string randnSource = "CPU", string? vae = null)
    {
        var errors = new Dictionary<string, string>();
        var notes = new List<string>();
        var prompt = ReadString(body, "prompt", errors) ?? "";
        var negative = ReadString(body, "negative_prompt", errors) ?? "";
        var seed = ReadNumber(body, "seed", errors) is { } s ? (long)s : -1;
        var subseed = ReadNumber(body, "subseed", errors) is { } sub ? (long)sub : -1;
        var subseedStrength = ReadNumber(body, "subseed_strength", errors) ?? 0;
        // -1 (the API's default) and 0 are both off: ImageRNG resizes only when both are above 0.
        var seedResize = (Math.Max(0, ReadInt(body, "seed_resize_from_w", errors) ?? 0), Math.Max(0, ReadInt(body, "seed_resize_from_h", errors) ?? 0));
        var steps = ReadInt(body, "steps", errors) ?? DefaultSteps;
        var cfgScale = ReadNumber(body, "cfg_scale", errors) ?? DefaultCfgScale;
        var batchSize = ReadInt(body, "batch_size", errors) ?? 1;
        var iterations = ReadInt(body, "n_iter", errors) ?? 1;
        var sendImages = ReadBool(body, "send_images", errors) ?? true;

        var (width, height) = (ReadInt(body, "width", errors), ReadInt(body, "height", errors));
        var native = model.Info.Defaults;
        if (width is null || height is null)
        {
            // A1111 assumes 512×512, which is an SD 1.5 model's native size; a model made for another size (the
            // embedded 64×64 one) would be asked for a size it never saw, so a missing size is the model's own.
            if (native.Width != DefaultSize || native.Height != DefaultSize)
            {
                notes.Add($"width/height not given: used {model.Name}'s native size {width ?? native.Width}x{height ?? native.Height} instead of A1111's {DefaultSize}x{DefaultSize}");
            }

            width ??= native.Width;
            height ??= native.Height;
        }

        var samplerName = NonEmpty(ReadString(body, "sampler_name", errors)) ?? NonEmpty(ReadString(body, "sampler_index", errors)) ?? DefaultSampler;
        var scheduleType = NonEmpty(ReadString(body, "scheduler", errors));
        // With a schedule type the pair is A1111's (1.9+); alone, the name may also be an old combined one or an id.
        string? scheduler = null;
        string? samplerError = null;
        if (scheduleType is null)
        {
            scheduler = SamplerCatalog.IdOf(samplerName);
        }
        else if (SamplerCatalog.TryFromA1111(samplerName, scheduleType, out var pair, out samplerError))
        {
            scheduler = pair;
        }

        if (scheduler is null)
        {
            SamplerCatalog.TryFromA1111(samplerName, null, out var known, out var unknownError);
            // A known sampler with a schedule it cannot take is the scheduler's fault, not the sampler's.
            var field = known is not null ? "scheduler" : body.ContainsKey("sampler_name") ? "sampler_name" : "sampler_index";
            errors[field] = (known is not null ? samplerError : unknownError) ?? $"Sampler '{samplerName}' not found.";
        }

        if (batchSize < 1)
        {
            errors["batch_size"] = "batch_size must be at least 1.";
        }

        if (iterations < 1)
        {
            errors["n_iter"] = "n_iter must be at least 1.";
        }

        var total = (long)batchSize * iterations;
        if (total > GenerationLimits.MaxImagesPerJob)
        {
            errors["batch_size"] = $"n_iter × batch_size is {total}; the studio makes at most {GenerationLimits.MaxImagesPerJob} images per request.";
        }

        // A batch runs its images in one UNet call, which costs memory; past the studio's largest batch the same images
        // (seeds count over the whole job either way) are made in more, smaller batches. Clients such as Open WebUI ask
        // for n images as batch_size n.
        var (runBatchSize, runBatchCount) = (batchSize, iterations);
        if (batchSize > GenerationLimits.MaxBatchSize && total <= GenerationLimits.MaxImagesPerJob)
        {
            runBatchSize = Enumerable.Range(1, GenerationLimits.MaxBatchSize).Last(size => total % size == 0);
            runBatchCount = (int)(total / runBatchSize);
            notes.Add($"batch_size {batchSize}: made as {runBatchCount} batches of {runBatchSize} (the studio batches at most {GenerationLimits.MaxBatchSize} images); the images are the same");
        }

        // Hires fix (txt2img only): A1111's hr_upscaler None means its default latent mode, "Latent".
        var hires = !imageToImage && ReadBool(body, "enable_hr", errors) == true;
        var hiresScale = ReadNumber(body, "hr_scale", errors) ?? DefaultHiresScale;
        var hiresUpscaler = NonEmpty(ReadString(body, "hr_upscaler", errors)) ?? HiresUpscalers.Default;
        var hiresSteps = ReadInt(body, "hr_second_pass_steps", errors) ?? 0;
        var hiresResize = (ReadInt(body, "hr_resize_x", errors) ?? 0, ReadInt(body, "hr_resize_y", errors) ?? 0);
        var hiresStrength = hires ? ReadNumber(body, "denoising_strength", errors) ?? DefaultDenoisingStrength : DefaultDenoisingStrength;

        byte[]? init = null;
        var strength = DefaultDenoisingStrength;
        if (imageToImage)
        {
            strength = ReadNumber(body, "denoising_strength", errors) ?? DefaultDenoisingStrength;
            if (body["init_images"] is not JsonArray { Count: > 0 } images || images[0]?.GetValueKind() != JsonValueKind.String
                || !Base64Image.TryDecode(images[0]!.GetValue<string>(), out init))
            {
                errors["init_images"] = "img2img needs init_images: a list with one base64 PNG, JPEG or WebP (or a data: URI).";
            }
            else if (images.Count > 1)
            {
                notes.Add("init_images has several images: only the first is used");
            }
        }

        // modules/rng.py reads the source from opts.randn_source, which a request may override for itself.
        if (body["override_settings"] is JsonObject { } overrides && overrides["randn_source"] is { } source)
        {
            randnSource = source.GetValueKind() == JsonValueKind.String ? source.GetValue<string>() : "";
            if (NoiseSources.FromA1111(randnSource) is null)
            {
                errors["override_settings.randn_source"] = "randn_source must be \"GPU\", \"CPU\" or \"NV\".";
            }
        }

        // sd_vae.py: "Automatic" and "None" both leave the model's own VAE (the studio has no VAE beside a model's files).
        if (body["override_settings"] is JsonObject { } vaeOverrides && vaeOverrides["sd_vae"] is { } vaeName)
        {
            vae = vaeName.GetValueKind() == JsonValueKind.String ? VaeOption(vaeName.GetValue<string>()) : null;
            if (vaeName.GetValueKind() != JsonValueKind.String)
            {
                errors["override_settings.sd_vae"] = "sd_vae must be a VAE's name from /sdapi/v1/sd-vae, \"Automatic\" or \"None\".";
            }
        }

        var textEncoder = ReadString(body, "text_encoder", errors);
        var speedName = ReadString(body, "speed", errors);
        var speed = speedName is null ? Speed.Exact : Speeds.FromName(speedName);
        if (speed is null)
        {
            errors["speed"] = "speed must be \"exact\" or \"fast\".";
        }

        // sd_emphasis.py and the "Pad prompt/negative prompt" option are settings A1111 lets a request override.
        var emphasis = EmphasisMode.Original;
        var padPrompts = false;
        if (body["override_settings"] is JsonObject { } promptOverrides)
        {
            if (promptOverrides["emphasis"] is { } emphasisName)
            {
                var name = emphasisName.GetValueKind() == JsonValueKind.String ? emphasisName.GetValue<string>() : "";
                emphasis = EmphasisModes.FromName(name) ?? EmphasisMode.Original;
                if (EmphasisModes.FromName(name) is null)
                {
                    errors["override_settings.emphasis"] = $"emphasis must be {string.Join(", ", EmphasisModes.All.Select(m => $"\"{m.Name}\""))}.";
                }
            }

            padPrompts = ReadBool(promptOverrides, "pad_cond_uncond", errors) ?? false;
        }

        var settings = GenerationSettings.ForModel(model.Name, native) with
        {
            Prompt = prompt,
            NegativePrompt = negative,
            EmphasisMode = emphasis,
            PadPrompts = padPrompts,
            Seed = seed,
            VariationSeed = subseed,
            VariationStrength = subseedStrength,
            SeedResizeFromWidth = seedResize.Item1,
            SeedResizeFromHeight = seedResize.Item2,
            Steps = steps,
            GuidanceScale = cfgScale,
            Scheduler = scheduler ?? "",
            NoiseSource = NoiseSources.FromA1111(randnSource) ?? NoiseSource.Torch,
            Speed = speed ?? Speed.Exact,
            Width = width.Value,
            Height = height.Value,
            BatchSize = runBatchSize,
            BatchCount = runBatchCount,
            EnableHires = hires,
            HiresScale = hiresScale,
            HiresUpscaler = hiresUpscaler,
            HiresSteps = hiresSteps,
            HiresDenoisingStrength = hiresStrength,
            HiresResizeWidth = hiresResize.Item1,
            HiresResizeHeight = hiresResize.Item2,
            Vae = vae,
            TextEncoder = string.IsNullOrWhiteSpace(textEncoder) ? null : textEncoder.Trim(),
            InitImage = init,
            Strength = strength,
        };
        if (imageToImage)
        {
            settings = A1111InpaintingFields.Read(body, settings, errors);
        }

        var entry = scheduler is null ? null : SamplerCatalog.Get(scheduler);
        var parameters = (JsonObject)body.DeepClone();
        parameters["prompt"] = prompt;
        parameters["negative_prompt"] = negative;
        parameters["seed"] = seed;
        parameters["subseed"] = subseed;
        parameters["subseed_strength"] = subseedStrength;
        parameters["seed_resize_from_w"] = seedResize.Item1 > 0 ? seedResize.Item1 : -1;
        parameters["seed_resize_from_h"] = seedResize.Item2 > 0 ? seedResize.Item2 : -1;
        parameters["sampler_name"] = entry?.SamplerName ?? samplerName;
        parameters["scheduler"] = entry?.ScheduleType ?? "Automatic";
        parameters["steps"] = steps;
        parameters["cfg_scale"] = cfgScale;
        parameters["width"] = width;
        parameters["height"] = height;
        parameters["batch_size"] = batchSize;
        parameters["n_iter"] = iterations;
        parameters["send_images"] = sendImages;
        if (hires)
        {
            parameters["enable_hr"] = true;
            parameters["hr_scale"] = hiresScale;
            parameters["hr_upscaler"] = hiresUpscaler;
            parameters["hr_second_pass_steps"] = hiresSteps;
            parameters["hr_resize_x"] = hiresResize.Item1;
            parameters["hr_resize_y"] = hiresResize.Item2;
            parameters["denoising_strength"] = hiresStrength;
        }

        if (imageToImage)
        {
            parameters["denoising_strength"] = strength;
            // As A1111's img2imgapi: the images are not sent back unless asked for.
            if (ReadBool(body, "include_init_images", errors) != true)
            {
                parameters["init_images"] = null;
                parameters["mask"] = null;
            }
        }

        return new A1111Translation(settings, errors, IgnoredFields(body, imageToImage), notes, batchSize, sendImages, parameters);
    }

    /// <summary>An <c>sd_vae</c> value as a VAE's name, or null for "Automatic", "None" and blank (the model's own).</summary>
    public static string? VaeOption(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim() is "Automatic" or "None" ? null : value.Trim();

    private static List<string> IgnoredFields(JsonObject body, bool imageToImage)
    {
        var used = imageToImage ? ImageToImageFields : TextToImageFields;
        var hires = body["enable_hr"] is JsonValue hr && hr.GetValueKind() == JsonValueKind.True;
        var ignored = new List<string>();
        foreach (var (field, value) in body)
        {
            var hiresOnly = field.StartsWith("hr_", StringComparison.Ordinal) || field is "firstphase_width" or "firstphase_height"
                || (!imageToImage && field == "denoising_strength");
            if (used.Contains(field) || (hiresOnly && !hires) || !Matters(field, value))
            {
                continue;
            }

            ignored.Add(field);
        }

        if (body["override_settings"] is JsonObject overrides)
        {
            ignored.AddRange(overrides
                .Where(pair => pair.Key is not ("sd_model_checkpoint" or "sd_vae" or "randn_source" or "emphasis" or "pad_cond_uncond") && Matters(pair.Key, pair.Value))
                .Select(pair => "override_settings." + pair.Key));
        }

        return ignored;
    }

    private static bool Matters(string field, JsonNode? value)
    {
        if (value is null)
        {
            return false;
        }

        if (Unremarkable.TryGetValue(field, out var plain))
        {
            return !plain.Any(p => SameValue(p, value));
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.String => value.GetValue<string>().Length > 0,
            JsonValueKind.Array => value.AsArray().Count > 0,
            JsonValueKind.Object => value.AsObject().Count > 0,
            _ => true,
        };
    }

    private static bool SameValue(JsonNode expected, JsonNode actual) =>
        (expected.GetValueKind(), actual.GetValueKind()) switch
        {
            // Compared as numbers, so 2 and 2.0 are the same value.
            (JsonValueKind.Number, JsonValueKind.Number) => AsDouble(expected) == AsDouble(actual),
            _ => JsonNode.DeepEquals(expected, actual),
        };

    private static double AsDouble(JsonNode number) => double.Parse(number.ToJsonString(), CultureInfo.InvariantCulture);

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string? ReadString(JsonObject body, string field, Dictionary<string, string> errors)
    {
        var value = body[field];
        if (value is null)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        errors[field] = $"{field} must be a string.";
        return null;
    }

    internal static double? ReadNumber(JsonObject body, string field, Dictionary<string, string> errors)
    {
        var value = body[field];
        switch (value?.GetValueKind())
        {
            case null:
                return null;
            case JsonValueKind.Number:
                return AsDouble(value);
            // Pydantic coerces numeric strings, and so do clients that build bodies from text boxes.
            case JsonValueKind.String when double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                errors[field] = $"{field} must be a number.";
                return null;
        }
    }

    internal static int? ReadInt(JsonObject body, string field, Dictionary<string, string> errors)
    {
        var number = ReadNumber(body, field, errors);
        if (number is null)
        {
            return null;
        }

        if (number != Math.Floor(number.Value) || number is < int.MinValue or > int.MaxValue)
        {
            errors[field] = $"{field} must be a whole number.";
            return null;
        }

        return (int)number.Value;
    }

    internal static bool? ReadBool(JsonObject body, string field, Dictionary<string, string> errors)
    {
        var kind = body[field]?.GetValueKind();
        switch (kind)
        {
            case null:
                return null;
            case JsonValueKind.True or JsonValueKind.False:
                return kind == JsonValueKind.True;
            default:
                errors[field] = $"{field} must be true or false.";
                return null;
        }
    }
}
