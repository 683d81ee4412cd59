using System.Globalization;
using System.Text.Json.Nodes;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// The <c>info</c> string of A1111's txt2img/img2img answers: <c>Processed.js()</c> (modules/processing.py) as
/// JSON text, plus what the studio adds: <c>ignored_fields</c>, <c>notes</c>, the job and image ids, and the status.
/// </summary>
public static class A1111Info
{
    public static string Write(JobRecord job, A1111Translation request, ApiModel model)
    {
        var settings = JobRecords.Settings(job);
        var images = job.Images.OrderBy(i => i.Index).ToList();
        var seeds = images.Count > 0 ? images.Select(i => i.Seed).ToList() : Enumerable.Range(0, settings.ImageCount).Select(i => settings.ForImage(i).Seed).ToList();
        var sampler = SamplerCatalog.All.FirstOrDefault(s => s.Id == settings.Scheduler);
        var info = new JsonObject
        {
            ["prompt"] = settings.Prompt,
            ["all_prompts"] = Repeat(settings.Prompt, seeds.Count),
            ["negative_prompt"] = settings.NegativePrompt,
            ["all_negative_prompts"] = Repeat(settings.NegativePrompt, seeds.Count),
            ["seed"] = seeds[0],
            ["all_seeds"] = new JsonArray([.. seeds.Select(s => (JsonNode)s)]),
            ["subseed"] = settings.VariationSeed,
            ["all_subseeds"] = new JsonArray([.. Enumerable.Range(0, seeds.Count).Select(i => (JsonNode)settings.ForImage(i).VariationSeed)]),
            ["subseed_strength"] = settings.VariationStrength,
            ["width"] = settings.Width,
            ["height"] = settings.Height,
            ["sampler_name"] = sampler?.SamplerName ?? settings.Scheduler,
            ["scheduler"] = sampler?.ScheduleType ?? "Automatic",
            ["cfg_scale"] = settings.GuidanceScale,
            ["steps"] = settings.Steps,
            ["speed"] = Speeds.NameOf(settings.Speed),
            ["batch_size"] = request.BatchSize,
            ["restore_faces"] = false,
            ["face_restoration_model"] = null,
            ["sd_model_name"] = settings.Model,
            ["sd_model_hash"] = model.Hash,
            ["sd_vae_name"] = settings.Vae,
            ["sd_vae_hash"] = null,
            ["seed_resize_from_w"] = settings.SeedResizeFromWidth > 0 ? settings.SeedResizeFromWidth : -1,
            ["seed_resize_from_h"] = settings.SeedResizeFromHeight > 0 ? settings.SeedResizeFromHeight : -1,
            ["denoising_strength"] = settings.EnableHires ? settings.HiresDenoisingStrength : job.InitImagePath is null ? null : settings.Strength,
            ["extra_generation_params"] = ExtraGenerationParams(images.Count > 0 ? images[0].Parameters : null, settings, inpainting: job.MaskPath is not null),
            ["index_of_first_image"] = 0,
            ["infotexts"] = new JsonArray([.. images.Select(i => (JsonNode)i.Parameters)]),
            ["styles"] = new JsonArray(),
            ["job_timestamp"] = job.CreatedAt.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture),
            ["clip_skip"] = 1,
            ["is_using_inpainting_conditioning"] = job.MaskPath is not null && model.Info.IsInpainting,
            ["version"] = "stable-diffusion-studio",
            ["ignored_fields"] = new JsonArray([.. request.IgnoredFields.Select(f => (JsonNode)f)]),
            ["notes"] = new JsonArray([.. request.Notes.Select(n => (JsonNode)n)]),
            ["status"] = GenerationMapping.StatusName(job.Status),
            ["job_id"] = job.Id.ToString(),
            ["image_ids"] = new JsonArray([.. images.Select(i => (JsonNode)i.Id.ToString())]),
        };
        return info.ToJsonString();
    }

    /// <summary>The extra_generation_params StableDiffusionProcessingTxt2Img.init records for hires fix, in its order.</summary>
    private static JsonObject HiresParameters(GenerationSettings settings)
    {
        var parameters = new JsonObject();
        if (!settings.EnableHires)
        {
            return parameters;
        }

        if (settings.HiresResizeWidth == 0 && settings.HiresResizeHeight == 0)
        {
            parameters["Hires upscale"] = settings.HiresScale;
        }
        else
        {
            parameters["Hires resize"] = string.Create(CultureInfo.InvariantCulture, $"{settings.HiresResizeWidth}x{settings.HiresResizeHeight}");
        }

        if (settings.HiresSteps > 0)
        {
            parameters["Hires steps"] = settings.HiresSteps;
        }

        parameters["Hires upscaler"] = settings.HiresUpscaler;
        return parameters;
    }

    /// <summary>
    /// A1111's extra_generation_params: hires fix's keys (added by StableDiffusionProcessingTxt2Img.init, so first), then
    /// the prompt keys A1111 adds to extra_generation_params ("Emphasis", and "Pad conds" when padding happened), read
    /// from the first image's infotext, which records them exactly as A1111 decides them; then an inpainting job's mask keys.
    /// </summary>
    private static JsonObject ExtraGenerationParams(string? firstInfotext, GenerationSettings settings, bool inpainting)
    {
        var extra = HiresParameters(settings);
        var recorded = firstInfotext is null ? null : Infotext.Parse(firstInfotext).Extra;
        if (recorded?.GetValueOrDefault("Emphasis") is { } emphasis)
        {
            extra["Emphasis"] = emphasis;
        }
        if (recorded?.ContainsKey("Pad conds") == true)
        {
            extra["Pad conds"] = true;
        }
        if (recorded?.GetValueOrDefault("Text encoder") is { } textEncoder)
        {
            extra["Text encoder"] = textEncoder;
        }
        if (recorded?.GetValueOrDefault("Speed") is { } speed)
        {
            extra["Speed"] = speed;
        }
        if (inpainting)
        {
            foreach (var (key, value) in A1111InpaintingFields.ExtraGenerationParams(settings))
            {
                extra[key] = value?.DeepClone();
            }
        }
        return extra;
    }

    private static JsonArray Repeat(string text, int count) => new([.. Enumerable.Repeat(text, count).Select(t => (JsonNode)t)]);
}
