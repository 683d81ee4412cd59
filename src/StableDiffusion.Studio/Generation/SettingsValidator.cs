namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Server-side checks of every setting. Returns messages keyed by the field's label, so a form can show each one
/// under its control and an API can return them as a validation problem.
/// </summary>
public static class SettingsValidator
{
    public static IReadOnlyDictionary<string, string> Validate(JobSettings settings, IReadOnlyList<ModelInfo> models)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(settings.Prompt))
        {
            errors["Prompt"] = "Write a prompt first.";
        }
        else if (settings.Prompt.Length > GenerationLimits.MaxPromptLength)
        {
            errors["Prompt"] = $"The prompt is {settings.Prompt.Length} characters; the limit is {GenerationLimits.MaxPromptLength}.";
        }

        if (settings.NegativePrompt.Length > GenerationLimits.MaxPromptLength)
        {
            errors["Negative prompt"] = $"The negative prompt is longer than {GenerationLimits.MaxPromptLength} characters.";
        }

        if (settings.Seed is < -1 or > GenerationLimits.MaxSeed)
        {
            errors["Seed"] = $"Seed must be -1 (random) or between 0 and {GenerationLimits.MaxSeed}.";
        }

        if (settings.Steps is < GenerationLimits.MinSteps or > GenerationLimits.MaxSteps)
        {
            errors["Steps"] = $"Steps must be between {GenerationLimits.MinSteps} and {GenerationLimits.MaxSteps}.";
        }

        if (!double.IsFinite(settings.GuidanceScale) || settings.GuidanceScale is < GenerationLimits.MinGuidance or > GenerationLimits.MaxGuidance)
        {
            errors["CFG scale"] = $"CFG scale must be between {GenerationLimits.MinGuidance} and {GenerationLimits.MaxGuidance}.";
        }

        if (!Samplers.IsKnownId(settings.Scheduler))
        {
            errors["Sampler"] = "Choose one of the listed samplers.";
        }

        if (!NoiseSources.IsKnownId(settings.NoiseSource))
        {
            errors["Random source"] = "Choose CPU or NV.";
        }

        CheckSize(errors, "Width", settings.Width);
        CheckSize(errors, "Height", settings.Height);

        if (settings.BatchCount is < 1 or > GenerationLimits.MaxBatchCount)
        {
            errors["Batch count"] = $"Batch count must be between 1 and {GenerationLimits.MaxBatchCount}.";
        }

        var model = models.FirstOrDefault(m => m.Name == settings.Model);
        if (model is null)
        {
            errors["Model"] = "Choose one of the listed models.";
        }
        else if (!model.IsAvailable)
        {
            errors["Model"] = $"Model {model.Name} is unavailable: {model.UnavailableReason}";
        }
        else if (settings.InitImage is not null && !model.SupportsImageToImage)
        {
            errors["Init image"] = $"Model {model.Name} cannot start from an image.";
        }

        if (settings.InitImage is not null && (!double.IsFinite(settings.Strength) || settings.Strength is <= 0 or > 1))
        {
            errors["Denoising strength"] = "Denoising strength must be above 0 and at most 1.";
        }

        return errors;
    }

    private static void CheckSize(Dictionary<string, string> errors, string label, int value)
    {
        if (value is < GenerationLimits.MinSize or > GenerationLimits.MaxSize || value % GenerationLimits.SizeMultiple != 0)
        {
            errors[label] = $"{label} must be a multiple of {GenerationLimits.SizeMultiple} between {GenerationLimits.MinSize} and {GenerationLimits.MaxSize}.";
        }
    }
}
