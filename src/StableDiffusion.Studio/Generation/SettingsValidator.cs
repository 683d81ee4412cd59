using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Server-side checks of every setting, with messages keyed by <see cref="Setting"/> so a form can show each one
/// under its control and an API can return it under its own field name.
/// </summary>
public static class SettingsValidator
{
    public static IReadOnlyDictionary<Setting, string> Validate(GenerationSettings settings, IReadOnlyList<ModelInfo> models)
    {
        var errors = new Dictionary<Setting, string>();
        if (string.IsNullOrWhiteSpace(settings.Prompt))
        {
            errors[Setting.Prompt] = "Write a prompt first.";
        }
        else if (settings.Prompt.Length > GenerationLimits.MaxPromptLength)
        {
            errors[Setting.Prompt] = $"The prompt is {settings.Prompt.Length} characters; the limit is {GenerationLimits.MaxPromptLength}.";
        }

        if (settings.NegativePrompt.Length > GenerationLimits.MaxPromptLength)
        {
            errors[Setting.NegativePrompt] = $"The negative prompt is longer than {GenerationLimits.MaxPromptLength} characters.";
        }

        CheckAttentionSyntax(errors, Setting.Prompt, settings.Prompt, settings.EmphasisMode);
        CheckAttentionSyntax(errors, Setting.NegativePrompt, settings.NegativePrompt, settings.EmphasisMode);

        if (!Enum.IsDefined(settings.EmphasisMode))
        {
            errors[Setting.EmphasisMode] = $"Emphasis mode must be one of {string.Join(", ", EmphasisModes.All.Select(m => m.Name))}.";
        }

        if (settings.Seed is < -1 or > GenerationLimits.MaxSeed)
        {
            errors[Setting.Seed] = $"Seed must be -1 (random) or between 0 and {GenerationLimits.MaxSeed}.";
        }

        if (settings.VariationSeed is < -1 or > GenerationLimits.MaxSeed)
        {
            errors[Setting.VariationSeed] = $"Variation seed must be -1 (random) or between 0 and {GenerationLimits.MaxSeed}.";
        }

        if (!(settings.VariationStrength is >= 0 and <= 1))
        {
            errors[Setting.VariationStrength] = "Variation strength must be between 0 and 1.";
        }

        CheckOptionalSize(errors, Setting.SeedResizeFromWidth, "Resize seed from width", settings.SeedResizeFromWidth);
        CheckOptionalSize(errors, Setting.SeedResizeFromHeight, "Resize seed from height", settings.SeedResizeFromHeight);

        if (settings.Steps is < GenerationLimits.MinSteps or > GenerationLimits.MaxSteps)
        {
            errors[Setting.Steps] = $"Steps must be between {GenerationLimits.MinSteps} and {GenerationLimits.MaxSteps}.";
        }

        if (!double.IsFinite(settings.GuidanceScale) || settings.GuidanceScale is < GenerationLimits.MinGuidance or > GenerationLimits.MaxGuidance)
        {
            errors[Setting.GuidanceScale] = $"CFG scale must be between {GenerationLimits.MinGuidance} and {GenerationLimits.MaxGuidance}.";
        }

        if (!SamplerCatalog.Ids.Contains(settings.Scheduler))
        {
            errors[Setting.Scheduler] = "Choose one of the listed samplers.";
        }

        if (!Enum.IsDefined(settings.NoiseSource))
        {
            errors[Setting.NoiseSource] = "Choose CPU or NV.";
        }

        if (!Enum.IsDefined(settings.Speed))
        {
            errors[Setting.Speed] = "Choose Exact or Fast.";
        }

        CheckSize(errors, Setting.Width, "Width", settings.Width);
        CheckSize(errors, Setting.Height, "Height", settings.Height);

        if (settings.BatchSize is < 1 or > GenerationLimits.MaxBatchSize)
        {
            errors[Setting.BatchSize] = $"Batch size must be between 1 and {GenerationLimits.MaxBatchSize}.";
        }

        if (settings.BatchCount is < 1 or > GenerationLimits.MaxBatchCount)
        {
            errors[Setting.BatchCount] = $"Batch count must be between 1 and {GenerationLimits.MaxBatchCount}.";
        }
        else if (settings.BatchSize >= 1 && (long)settings.BatchSize * settings.BatchCount > GenerationLimits.MaxImagesPerJob)
        {
            errors[Setting.BatchCount] = $"Batch size × batch count is {(long)settings.BatchSize * settings.BatchCount}; a job makes at most {GenerationLimits.MaxImagesPerJob} images.";
        }

        if (settings.EnableHires)
        {
            CheckHires(errors, settings);
        }

        var model = models.FirstOrDefault(m => m.Name == settings.Model);
        if (model is null)
        {
            errors[Setting.Model] = "Choose one of the listed models.";
        }
        else if (!model.IsAvailable)
        {
            errors[Setting.Model] = $"Model {model.Name} is unavailable: {model.UnavailableReason}";
        }
        else if (settings.InitImage is not null && !model.SupportsImageToImage)
        {
            errors[Setting.InitImage] = $"Model {model.Name} cannot start from an image.";
        }
        else if (settings.EnableHires && !model.SupportsImageToImage && HiresUpscalers.Find(settings.HiresUpscaler) is { IsLatent: false } upscaler)
        {
            errors[Setting.HiresUpscaler] = $"Model {model.Name} has no VAE encoder, so it cannot use the {upscaler.Name} upscaler: choose a Latent one.";
        }

        if (model is { IsAvailable: true })
        {
            CheckComponent(errors, Setting.Vae, ComponentKind.Vae, settings.Vae, model);
            CheckComponent(errors, Setting.TextEncoder, ComponentKind.TextEncoder, settings.TextEncoder, model);
        }

        if (settings.InitImage is not null && (!double.IsFinite(settings.Strength) || settings.Strength is <= 0 or > 1))
        {
            errors[Setting.Strength] = "Denoising strength must be above 0 and at most 1.";
        }

        InpaintingValidator.Validate(settings, model, errors);

        return errors;
    }

    /// <summary>A swapped part must exist under models/ as that kind and fit the model, so a misfit never becomes a failed job.</summary>
    private static void CheckComponent(Dictionary<Setting, string> errors, Setting setting, ComponentKind kind, string? name, ModelInfo model)
    {
        if (name is null)
        {
            return;
        }

        var component = model.Components.FirstOrDefault(c => c.Kind == kind && c.Name == name);
        if (component is null)
        {
            errors[setting] = $"No {ComponentInfo.KindName(kind)} named {name}.";
        }
        else if (component.Misfit is { } misfit)
        {
            errors[setting] = misfit;
        }
    }

    private static void CheckOptionalSize(Dictionary<Setting, string> errors, Setting setting, string name, int value)
    {
        if (value != 0 && value is < GenerationLimits.SizeMultiple or > GenerationLimits.MaxSize)
        {
            errors[setting] = $"{name} must be 0 (off) or between {GenerationLimits.SizeMultiple} and {GenerationLimits.MaxSize}.";
        }
    }

    /// <summary>A1111's hires fields, and the size the upscale would reach against the studio's size limit.</summary>
    private static void CheckHires(Dictionary<Setting, string> errors, GenerationSettings settings)
    {
        if (settings.InitImage is not null)
        {
            errors[Setting.EnableHires] = "Hires fix is for txt2img: turn it off to start from an init image.";
        }

        if (!double.IsFinite(settings.HiresScale) || settings.HiresScale is < 1 or > GenerationLimits.MaxHiresScale)
        {
            errors[Setting.HiresScale] = $"Upscale by must be between 1 and {GenerationLimits.MaxHiresScale}.";
        }

        if (HiresUpscalers.Find(settings.HiresUpscaler) is null)
        {
            errors[Setting.HiresUpscaler] = $"Choose one of the listed upscalers: {string.Join(", ", HiresUpscalers.All.Select(u => u.Name))}.";
        }

        if (settings.HiresSteps is < 0 or > GenerationLimits.MaxSteps)
        {
            errors[Setting.HiresSteps] = $"Hires steps must be between 0 (as many as Steps) and {GenerationLimits.MaxSteps}.";
        }

        if (!double.IsFinite(settings.HiresDenoisingStrength) || settings.HiresDenoisingStrength is <= 0 or > 1)
        {
            errors[Setting.HiresDenoisingStrength] = "Hires denoising strength must be above 0 and at most 1.";
        }

        CheckOptionalSize(errors, Setting.HiresResizeWidth, "Resize width to", settings.HiresResizeWidth);
        CheckOptionalSize(errors, Setting.HiresResizeHeight, "Resize height to", settings.HiresResizeHeight);
        if (errors.Keys.Any(IsHiresSize) || errors.ContainsKey(Setting.HiresUpscaler) || errors.ContainsKey(Setting.Width) || errors.ContainsKey(Setting.Height))
        {
            return;
        }

        // The upscale may cover more than the final size (a resize of another aspect ratio is cropped after it).
        var plan = HiresFix.For(settings);
        if (plan.UpscaleWidth > GenerationLimits.MaxSize || plan.UpscaleHeight > GenerationLimits.MaxSize || plan.ImageSize.Width < GenerationLimits.MinSize
            || plan.ImageSize.Height < GenerationLimits.MinSize)
        {
            var setting = settings.HiresResizeWidth > 0 || settings.HiresResizeHeight > 0
                ? settings.HiresResizeWidth > 0 ? Setting.HiresResizeWidth : Setting.HiresResizeHeight
                : Setting.HiresScale;
            var crop = plan.TruncateX > 0 || plan.TruncateY > 0 ? " (before the crop)" : "";
            errors[setting] = $"Hires fix would upscale {settings.Width}×{settings.Height} to {plan.UpscaleWidth}×{plan.UpscaleHeight}{crop}; "
                + $"each side must stay between {GenerationLimits.MinSize} and {GenerationLimits.MaxSize}.";
        }
    }

    private static bool IsHiresSize(Setting setting) => setting is Setting.HiresScale or Setting.HiresResizeWidth or Setting.HiresResizeHeight;

    /// <summary>A weight like <c>(cat:1.2.3)</c> is no number: said here, where A1111 itself would crash.</summary>
    private static void CheckAttentionSyntax(Dictionary<Setting, string> errors, Setting setting, string prompt, EmphasisMode mode)
    {
        if (errors.ContainsKey(setting) || mode == EmphasisMode.None)
        {
            return;
        }
        try
        {
            PromptAttentionParser.Parse(prompt);
        }
        catch (PromptSyntaxException error)
        {
            errors[setting] = error.Message;
        }
    }

    private static void CheckSize(Dictionary<Setting, string> errors, Setting setting, string name, int value)
    {
        if (value is < GenerationLimits.MinSize or > GenerationLimits.MaxSize || value % GenerationLimits.SizeMultiple != 0)
        {
            errors[setting] = $"{name} must be a multiple of {GenerationLimits.SizeMultiple} between {GenerationLimits.MinSize} and {GenerationLimits.MaxSize}.";
        }
    }
}
