using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// AUTOMATIC1111's /sdapi/v1 (modules/api/api.py) for the programs that speak it: Open WebUI, SillyTavern, Discord
/// bots, scripts. Unlike A1111, everything is per user: a call blocks until its images are done but waits in the
/// studio's shared, fair queue; progress, interrupt and skip touch only the caller's own job; options only the
/// caller's own default model and random source.
/// </summary>
public static class A1111Endpoints
{
    public const string Prefix = "/sdapi/v1";

    /// <summary>Each setting's field in A1111's txt2img/img2img bodies, for the 400 answers.</summary>
    public static IReadOnlyDictionary<Setting, string> FieldNames { get; } = new Dictionary<Setting, string>
    {
        [Setting.Prompt] = "prompt", [Setting.NegativePrompt] = "negative_prompt",
        [Setting.EmphasisMode] = "override_settings.emphasis", [Setting.PadPrompts] = "override_settings.pad_cond_uncond", [Setting.Seed] = "seed", [Setting.VariationSeed] = "subseed",
        [Setting.VariationStrength] = "subseed_strength",
        [Setting.SeedResizeFromWidth] = "seed_resize_from_w", [Setting.SeedResizeFromHeight] = "seed_resize_from_h", [Setting.Steps] = "steps",
        [Setting.GuidanceScale] = "cfg_scale", [Setting.Scheduler] = "sampler_name", [Setting.NoiseSource] = "override_settings.randn_source",
        [Setting.Speed] = "speed",
        [Setting.Width] = "width", [Setting.Height] = "height", [Setting.BatchSize] = "batch_size", [Setting.BatchCount] = "n_iter",
        [Setting.EnableHires] = "enable_hr", [Setting.HiresScale] = "hr_scale", [Setting.HiresUpscaler] = "hr_upscaler",
        [Setting.HiresSteps] = "hr_second_pass_steps", [Setting.HiresDenoisingStrength] = "denoising_strength",
        [Setting.HiresResizeWidth] = "hr_resize_x", [Setting.HiresResizeHeight] = "hr_resize_y",
        [Setting.Model] = "override_settings.sd_model_checkpoint",
        [Setting.Vae] = "override_settings.sd_vae", [Setting.TextEncoder] = "text_encoder", [Setting.InitImage] = "init_images", [Setting.Strength] = "denoising_strength",
        [Setting.Mask] = "mask", [Setting.MaskBlur] = "mask_blur", [Setting.InpaintingFill] = "inpainting_fill",
        [Setting.InvertMask] = "inpainting_mask_invert", [Setting.InpaintFullRes] = "inpaint_full_res", [Setting.InpaintFullResPadding] = "inpaint_full_res_padding",
    };

    public static RouteGroupBuilder MapA1111Api(this RouteGroupBuilder api)
    {
        api.MapPost("/txt2img", (Delegate)((HttpContext context) => GenerateAsync(context, imageToImage: false))).Accepts<JsonObject>("application/json")
            .WithSummary("A1111 txt2img: blocks until the images are done");
        api.MapPost("/img2img", (Delegate)((HttpContext context) => GenerateAsync(context, imageToImage: true))).Accepts<JsonObject>("application/json")
            .WithSummary("A1111 img2img: blocks until the images are done");
        api.MapGet("/progress", ProgressAsync).WithSummary("Progress of your own running job");
        api.MapPost("/interrupt", async (HttpContext context, IJobQueries queries, IJobClaims claims) =>
        {
            await StopOwnJobAsync(context, queries, claims);
            return TypedResults.Json(new JsonObject());
        }).WithSummary("Stop your own current job");
        api.MapPost("/skip", async (HttpContext context, IJobQueries queries, IJobClaims claims) =>
        {
            var ownerId = context.User.StudioUserId()!;
            var active = await queries.ListActiveAsync(ownerId, context.RequestAborted);
            if (active.FirstOrDefault(j => j.Status == JobStatus.Running) is { } running)
            {
                await claims.SkipAsync(ownerId, running.Id, context.RequestAborted);
            }

            return TypedResults.Json<JsonNode?>(null);
        }).WithSummary("End your running job's current batch early and go on with its next (A1111's Skip)");
        api.MapGet("/samplers", Samplers);
        api.MapGet("/schedulers", Schedulers);
        api.MapGet("/sd-models", (ApiModelCatalog models) => TypedResults.Json(new JsonArray([.. models.Available.Select(ModelJson)])));
        api.MapGet("/sd-vae", (IImageGenerator generator) => TypedResults.Json(new JsonArray([.. VaeNames(generator).Select(name => (JsonNode)new JsonObject
        {
            ["model_name"] = name, ["filename"] = $"{name}/vae_decoder/model.onnx",
        })]))).WithSummary("The standalone VAEs sd_vae may name");
        api.MapGet("/options", GetOptionsAsync).WithSummary("Your options (sd_model_checkpoint, sd_vae and randn_source are your own)");
        api.MapPost("/options", SetOptionsAsync).Accepts<JsonObject>("application/json").WithSummary("Set your own default model, sd_vae and randn_source");
        api.MapPost("/png-info", (Delegate)PngInfoAsync).Accepts<JsonObject>("application/json");
        api.MapPost("/refresh-checkpoints", () => TypedResults.Json<JsonNode?>(null));

        // Hires fix's choices, as modules/api/api.py lists them: image upscalers, then the latent modes.
        api.MapGet("/upscalers", () => TypedResults.Json(new JsonArray([.. HiresUpscalers.All.Where(u => !u.IsLatent).Select(u => (JsonNode)new JsonObject
        {
            ["name"] = u.Name, ["model_name"] = null, ["model_path"] = null, ["model_url"] = null, ["scale"] = 4,
        })])));
        api.MapGet("/latent-upscale-modes", () => TypedResults.Json(new JsonArray([.. HiresUpscalers.All.Where(u => u.IsLatent)
            .Select(u => (JsonNode)new JsonObject { ["name"] = u.Name })])));

        // Lists of things the studio does not have, answered empty so that probing clients carry on.
        foreach (var path in new[] { "sd-modules", "loras", "prompt-styles", "hypernetworks", "face-restorers" })
        {
            api.MapGet("/" + path, () => TypedResults.Json(new JsonArray()));
        }

        api.MapGet("/embeddings", () => TypedResults.Json(new JsonObject { ["loaded"] = new JsonObject(), ["skipped"] = new JsonObject() }));
        return api;
    }

    private static async Task<IResult> GenerateAsync(HttpContext context, bool imageToImage)
    {
        var services = context.RequestServices;
        var models = services.GetRequiredService<ApiModelCatalog>();
        var options = services.GetRequiredService<ApiOptionsStore>();
        var submission = services.GetRequiredService<IJobSubmission>();
        var waiter = services.GetRequiredService<JobWaiter>();
        var claims = services.GetRequiredService<IJobClaims>();
        var files = services.GetRequiredService<ImageFileStore>();
        var ownerId = context.User.StudioUserId()!;
        var cancellationToken = context.RequestAborted;

        var (body, problem) = await ReadBodyAsync(context);
        if (body is null)
        {
            return problem!;
        }

        var checkpoint = (body["override_settings"] as JsonObject)?["sd_model_checkpoint"];
        var checkpointName = checkpoint?.GetValueKind() == JsonValueKind.String ? checkpoint.GetValue<string>() : null;
        var model = checkpointName is null ? await options.ModelOfAsync(ownerId, cancellationToken) : models.Find(checkpointName);
        if (model is null)
        {
            return ApiProblems.Invalid("override_settings.sd_model_checkpoint", checkpointName is null
                ? "No model is available."
                : $"Model '{checkpointName}' not found. Available: {string.Join(", ", models.Available.Select(m => m.Title))}.");
        }

        var request = A1111RequestReader.Read(body, imageToImage, model, await options.RandnSourceOfAsync(ownerId, cancellationToken),
            await options.VaeOfAsync(ownerId, cancellationToken));
        if (request.Errors.Count > 0)
        {
            return ApiProblems.Invalid(request.Errors);
        }

        if (body["override_settings_restore_afterwards"]?.GetValueKind() == JsonValueKind.False)
        {
            // A1111 then keeps the overrides as the new settings; here they become the caller's own options.
            if (checkpointName is not null)
            {
                await options.SetModelAsync(ownerId, model, cancellationToken);
            }

            if ((body["override_settings"] as JsonObject)?["sd_vae"] is not null)
            {
                await options.SetVaeAsync(ownerId, request.Settings.Vae, cancellationToken);
            }

            if ((body["override_settings"] as JsonObject)?["randn_source"] is { } source)
            {
                await options.SetRandnSourceAsync(ownerId, source.GetValue<string>().ToUpperInvariant(), cancellationToken);
            }
        }

        var outcome = await submission.SubmitFromApiAsync(ownerId, request.Settings, cancellationToken);
        if (outcome is not SubmitOutcome.Queued { Job: var queued })
        {
            return ApiProblems.Refused(outcome, FieldNames, context.Response);
        }

        JobRecord job;
        try
        {
            job = await waiter.WaitAsync(ownerId, queued.Id, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller hung up: nobody will read these images, so the GPU goes to the next job.
            await claims.CancelAsync(ownerId, queued.Id, CancellationToken.None);
            return TypedResults.Empty;
        }

        if (job is { Status: JobStatus.Failed, Error: DiskFull.Error })
        {
            return ApiProblems.InsufficientStorage($"The generation failed: {DiskFull.Error}");
        }

        if (job.Status == JobStatus.Failed)
        {
            // The worker's reason is already a sentence for the caller ("The generation failed: …", "The model ran out of memory. …").
            return TypedResults.Problem(job.Error, statusCode: StatusCodes.Status500InternalServerError,
                title: "Generation failed");
        }

        var images = new JsonArray();
        if (request.SendImages)
        {
            foreach (var image in job.Images.OrderBy(i => i.Index))
            {
                images.Add(Convert.ToBase64String(await files.ReadAsync(image.FilePath, CancellationToken.None)));
            }
        }

        return TypedResults.Json(new JsonObject
        {
            ["images"] = images,
            ["parameters"] = request.Parameters,
            ["info"] = A1111Info.Write(job, request, model),
        });
    }

    private static async Task<JsonObject> ProgressAsync(HttpContext context, IJobQueries queue, JobProgressFeed feed, bool? skip_current_image)
    {
        var active = await queue.ListActiveAsync(context.User.StudioUserId()!, context.RequestAborted);
        var running = active.FirstOrDefault(j => j.Status == JobStatus.Running);
        var waiting = active.Count(j => j.Status == JobStatus.Queued);
        var textInfo = waiting > 0 ? $"{waiting} of your jobs waiting in the queue" : null;
        if (running is null)
        {
            return ProgressJson(0, 0, State(false, "", 0, "0", 0, 0, 0), null, textInfo);
        }

        var update = feed.Latest(running.Id);
        // A1111 counts batches: job_count is n_iter, job_no the batch being made.
        var jobCount = Math.Max(1, running.BatchCount);
        var jobNo = (update?.ImageIndex ?? 0) / Math.Max(1, running.BatchSize);
        var step = update?.Step ?? 0;
        var steps = Math.Max(1, update?.TotalSteps ?? running.TotalSteps());
        // modules/progress.py: 0.01 + job_no/job_count + (1/job_count)·(sampling_step/sampling_steps), capped at 1.
        var progress = Math.Min(1, 0.01 + (double)jobNo / jobCount + 1.0 / jobCount * step / steps);
        var elapsed = (DateTime.UtcNow - (running.StartedAt ?? DateTime.UtcNow)).TotalSeconds;
        var etaRelative = elapsed / progress - elapsed;
        var preview = skip_current_image != true && update?.Preview is { } png ? Convert.ToBase64String(png) : null;
        var timestamp = (running.StartedAt ?? running.CreatedAt).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        return ProgressJson(progress, etaRelative, State(false, $"Batch {jobNo + 1} out of {jobCount}", jobCount, timestamp, jobNo, step, steps),
            preview, textInfo);
    }

    private static JsonObject ProgressJson(double progress, double etaRelative, JsonObject state, string? currentImage, string? textInfo) => new()
    {
        ["progress"] = progress,
        ["eta_relative"] = etaRelative,
        ["state"] = state,
        ["current_image"] = currentImage,
        ["textinfo"] = textInfo,
        ["current_task"] = null,
    };

    private static JsonObject State(bool interrupted, string job, int jobCount, string timestamp, int jobNo, int step, int steps) => new()
    {
        ["skipped"] = false,
        ["interrupted"] = interrupted,
        ["stopping_generation"] = false,
        ["job"] = job,
        ["job_count"] = jobCount,
        ["job_timestamp"] = timestamp,
        ["job_no"] = jobNo,
        ["sampling_step"] = step,
        ["sampling_steps"] = steps,
    };

    /// <summary>The caller's running job, or when none runs their oldest waiting one: what "my generation" means to them.</summary>
    private static async Task StopOwnJobAsync(HttpContext context, IJobQueries queue, IJobClaims claims)
    {
        var ownerId = context.User.StudioUserId()!;
        var active = await queue.ListActiveAsync(ownerId, context.RequestAborted);
        var target = active.FirstOrDefault(j => j.Status == JobStatus.Running) ?? active.FirstOrDefault();
        if (target is not null)
        {
            await claims.CancelAsync(ownerId, target.Id, context.RequestAborted);
        }
    }

    private static IResult Samplers() =>
        TypedResults.Json(new JsonArray([.. SamplerCatalog.All.GroupBy(s => s.SamplerName).Select(g => (JsonNode)new JsonObject
        {
            ["name"] = g.Key,
            ["aliases"] = new JsonArray([.. g.Select(s => s.Id).Concat(g.Select(s => s.DisplayName)).Where(a => a != g.Key).Distinct().Select(a => (JsonNode)a)]),
            ["options"] = new JsonObject(),
        })]));

    // The schedule types the catalog maps (modules/sd_schedulers.py names and labels).
    private static IResult Schedulers() =>
        TypedResults.Json(new JsonArray(
            SchedulerJson("automatic", "Automatic", -1),
            SchedulerJson("uniform", "Uniform", -1),
            SchedulerJson("karras", "Karras", 7.0)));

    private static JsonObject SchedulerJson(string name, string label, double rho) => new()
    {
        ["name"] = name,
        ["label"] = label,
        ["aliases"] = null,
        ["default_rho"] = rho,
        ["need_inner_model"] = false,
    };

    /// <summary>The standalone VAEs under models/, in name order.</summary>
    private static List<string> VaeNames(IImageGenerator generator) =>
        [.. ComponentResponse.List(generator.Models).Where(c => c.Kind == ComponentResponse.KindName(ComponentKind.Vae)).Select(c => c.Name)];

    private static JsonNode ModelJson(ApiModel model) => new JsonObject
    {
        ["title"] = model.Title,
        ["model_name"] = model.Name,
        ["hash"] = model.Hash,
        ["sha256"] = model.Sha256,
        ["filename"] = $"{model.Name}/unet/model.onnx",
        ["config"] = null,
    };

    private static async Task<IResult> GetOptionsAsync(HttpContext context, ApiOptionsStore options)
    {
        var ownerId = context.User.StudioUserId()!;
        var model = await options.ModelOfAsync(ownerId, context.RequestAborted);
        var randnSource = await options.RandnSourceOfAsync(ownerId, context.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["randn_source"] = randnSource,
            ["sd_model_checkpoint"] = model?.Title,
            ["sd_checkpoint_hash"] = model?.Sha256,
            ["sd_vae"] = await options.VaeOfAsync(ownerId, context.RequestAborted) ?? "Automatic",
            ["CLIP_stop_at_last_layers"] = 1,
            ["samples_format"] = "png",
            ["eta_noise_seed_delta"] = 0,
            ["live_previews_enable"] = true,
        });
    }

    private static async Task<IResult> SetOptionsAsync(HttpContext context, ApiOptionsStore options, ApiModelCatalog models, IImageGenerator generator)
    {
        var (body, problem) = await ReadBodyAsync(context);
        if (body is null)
        {
            return problem!;
        }

        // Other keys are accepted and ignored, as clients post back the whole dictionary they read.
        if (body["sd_model_checkpoint"] is { } checkpoint)
        {
            var name = checkpoint.GetValueKind() == JsonValueKind.String ? checkpoint.GetValue<string>() : null;
            if (models.Find(name) is not { } model)
            {
                return ApiProblems.Invalid("sd_model_checkpoint",
                    $"Model '{name}' not found. Available: {string.Join(", ", models.Available.Select(m => m.Title))}.");
            }

            await options.SetModelAsync(context.User.StudioUserId()!, model, context.RequestAborted);
        }

        if (body["sd_vae"] is { } vaeNode)
        {
            var value = vaeNode.GetValueKind() == JsonValueKind.String ? vaeNode.GetValue<string>() : null;
            var vae = A1111RequestReader.VaeOption(value);
            if (value is null || (vae is not null && !VaeNames(generator).Contains(vae)))
            {
                return ApiProblems.Invalid("sd_vae", $"No VAE named {value}. Available: Automatic, None{string.Concat(VaeNames(generator).Select(n => ", " + n))}.");
            }

            await options.SetVaeAsync(context.User.StudioUserId()!, vae, context.RequestAborted);
        }

        if (body["randn_source"] is { } source)
        {
            var value = source.GetValueKind() == JsonValueKind.String ? source.GetValue<string>() : null;
            if (NoiseSources.FromA1111(value) is null)
            {
                return ApiProblems.Invalid("randn_source", "randn_source must be \"GPU\", \"CPU\" or \"NV\".");
            }

            await options.SetRandnSourceAsync(context.User.StudioUserId()!, value!.ToUpperInvariant(), context.RequestAborted);
        }

        return TypedResults.Json<JsonNode?>(null);
    }

    private static async Task<IResult> PngInfoAsync(HttpContext context)
    {
        var (body, problem) = await ReadBodyAsync(context);
        if (body is null)
        {
            return problem!;
        }

        var text = body["image"]?.GetValueKind() == JsonValueKind.String ? body["image"]!.GetValue<string>() : null;
        if (!Base64Image.TryDecode(text, out var bytes))
        {
            return ApiProblems.Invalid("image", "image must be a base64 image or a data: URI.");
        }

        // No cancellation token past this point: reading the text chunk and parsing it are linear, and the parser reads
        // at most Infotext.MaxLength characters, so an abandoned request costs milliseconds at most.
        var info = PngInfo.ReadParameters(bytes) ?? "";
        return TypedResults.Json(new JsonObject
        {
            ["info"] = info,
            ["items"] = new JsonObject(),
            ["parameters"] = ParsedParameters(info),
        });
    }

    /// <summary>As modules/infotext_utils.py <c>parse_generation_parameters</c>: string values, sizes split into "-1"/"-2".</summary>
    private static JsonObject ParsedParameters(string info)
    {
        var parsed = new JsonObject();
        if (!Infotext.TryParse(info, out var settings))
        {
            return parsed;
        }

        parsed["Prompt"] = settings.Prompt;
        parsed["Negative prompt"] = settings.NegativePrompt;
        parsed["Steps"] = settings.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parsed["Sampler"] = settings.Sampler;
        parsed["Schedule type"] = settings.ScheduleType ?? "Automatic";
        parsed["CFG scale"] = settings.CfgScale.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parsed["Seed"] = settings.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parsed["Size-1"] = settings.Width.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parsed["Size-2"] = settings.Height.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (settings.ModelHash is not null)
        {
            parsed["Model hash"] = settings.ModelHash;
        }

        if (settings.Model is not null)
        {
            parsed["Model"] = settings.Model;
        }

        if (settings.DenoisingStrength is { } strength)
        {
            parsed["Denoising strength"] = strength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        parsed["RNG"] = settings.Rng ?? "GPU";
        foreach (var (key, value) in settings.Extra)
        {
            parsed[key] = value;
        }

        return parsed;
    }

    /// <summary>The body as a JSON object, or the 400 that says why it is not one.</summary>
    private static async Task<(JsonObject? Body, ValidationProblem? Problem)> ReadBodyAsync(HttpContext context)
    {
        var (body, error) = await ApiJsonBody.ReadAsync(context);
        return body is JsonObject json ? (json, null) : (null, ApiProblems.Invalid("body", error ?? "The body must be a JSON object."));
    }
}
