using StableDiffusion.Inference.Scheduling;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Sharing;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// The studio's own API under /api/v1: submit a job and follow it (or watch it on the progress hub), list and cancel
/// your jobs, fetch and share your images. Everything answers for the key's user only; another user's id is a 404.
/// </summary>
public static class NativeApiEndpoints
{
    public const string Prefix = "/api/v1";
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    /// <summary>Each setting's field in <see cref="CreateGenerationRequest"/>, for the 400 answers.</summary>
    public static IReadOnlyDictionary<Setting, string> FieldNames { get; } = new Dictionary<Setting, string>
    {
        [Setting.Prompt] = "prompt", [Setting.NegativePrompt] = "negativePrompt",
        [Setting.EmphasisMode] = "emphasisMode", [Setting.PadPrompts] = "padPrompts", [Setting.Seed] = "seed", [Setting.VariationSeed] = "variationSeed",
        [Setting.VariationStrength] = "variationStrength",
        [Setting.SeedResizeFromWidth] = "seedResizeFromWidth", [Setting.SeedResizeFromHeight] = "seedResizeFromHeight", [Setting.Steps] = "steps",
        [Setting.GuidanceScale] = "cfgScale", [Setting.Scheduler] = "sampler", [Setting.NoiseSource] = "noiseSource",
        [Setting.Speed] = "speed",
        [Setting.Width] = "width", [Setting.Height] = "height", [Setting.BatchSize] = "batchSize", [Setting.BatchCount] = "batchCount",
        [Setting.EnableHires] = "enableHires", [Setting.HiresScale] = "hiresScale", [Setting.HiresUpscaler] = "hiresUpscaler",
        [Setting.HiresSteps] = "hiresSteps", [Setting.HiresDenoisingStrength] = "hiresDenoisingStrength",
        [Setting.HiresResizeWidth] = "hiresResizeWidth", [Setting.HiresResizeHeight] = "hiresResizeHeight", [Setting.Model] = "model",
        [Setting.Vae] = "vae", [Setting.TextEncoder] = "textEncoder",
        [Setting.InitImage] = "initImage", [Setting.Strength] = "denoisingStrength",
        [Setting.Mask] = "mask", [Setting.MaskBlur] = "maskBlur", [Setting.InpaintingFill] = "maskedContent", [Setting.InvertMask] = "invertMask",
        [Setting.InpaintFullRes] = "onlyMasked", [Setting.InpaintFullResPadding] = "onlyMaskedPadding",
    };

    // The request's JSON names (camelCase, as the web defaults write them) and their types.
    private static readonly Dictionary<string, Type> RequestFieldTypes = typeof(CreateGenerationRequest).GetProperties()
        .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), p => p.PropertyType);

    public static RouteGroupBuilder MapNativeApi(this RouteGroupBuilder api)
    {
        api.MapPost("/generations", CreateAsync).Accepts<CreateGenerationRequest>("application/json")
            .WithSummary("Queue a txt2img, img2img or inpainting job").WithDescription("Answers 202 at once; follow the Location URL or the progress hub.");
        api.MapGet("/generations", ListAsync).WithSummary("Your jobs, newest first");
        api.MapGet("/generations/{id:guid}", GetAsync).WithSummary("A job's status, progress, settings and images");
        api.MapDelete("/generations/{id:guid}", CancelAsync).WithSummary("Cancel a waiting or running job");
        api.MapPost("/generations/{id:guid}/skip", SkipAsync)
            .WithSummary("End a running job's current batch early")
            .WithDescription("As A1111's Skip: the batch's images are decoded from where they are and the job goes on with its next batch. 409 unless the job is running.");
        api.MapPost("/generations/{id:guid}/retry", RetryAsync)
            .WithSummary("Queue a failed or cancelled job again").WithDescription("Same settings, seed and init image, as a new job: 202 like a new generation.");
        api.MapGet("/images/{id:guid}", GetImageAsync).Produces(StatusCodes.Status200OK, contentType: "image/png")
            .WithSummary("An image as PNG, with its A1111 parameters text chunk");
        api.MapPost("/images/{id:guid}/share", ShareAsync).WithSummary("Make a public share link for an image");
        api.MapDelete("/images/{id:guid}/share", UnshareAsync).WithSummary("Revoke every share link of an image");
        api.MapGet("/models", ListModels).WithSummary("The models, available or not");
        api.MapGet("/components", ListComponents).WithSummary("The standalone VAEs and text encoders, with the models each fits");
        api.MapGet("/samplers", ListSamplers).WithSummary("The samplers a request may name");
        return api;
    }

    private static async Task<Results<Accepted<GenerationCreated>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context, IJobSubmission submission, ApiModelCatalog models, ApiOptionsStore options, IOptions<JsonOptions> jsonOptions)
    {
        var ownerId = context.User.StudioUserId()!;
        var cancellationToken = context.RequestAborted;
        var (json, error) = await ApiJsonBody.ReadAsync(context);
        if (json is not JsonObject)
        {
            return ApiProblems.Invalid("body", error ?? "The body must be a JSON object with the generation's settings.");
        }

        CreateGenerationRequest body;
        try
        {
            body = json.Deserialize<CreateGenerationRequest>(jsonOptions.Value.SerializerOptions)!;
        }
        catch (JsonException ex)
        {
            ApiJsonBody.LogRefused(context, ex);
            return WrongType(ex.Path);
        }

        var model = body.Model is null ? await options.ModelOfAsync(ownerId, cancellationToken) : models.Find(body.Model);
        if (model is null)
        {
            return ApiProblems.Invalid("model", body.Model is null
                ? "No model is available."
                : $"Model '{body.Model}' not found. Available: {string.Join(", ", models.Available.Select(m => m.Name))}.");
        }

        var defaults = GenerationSettings.ForModel(model.Name, model.Info.Defaults);
        var scheduler = body.Sampler is null ? defaults.Scheduler : SamplerCatalog.IdOf(body.Sampler);
        if (scheduler is null)
        {
            return ApiProblems.Invalid("sampler", $"Sampler '{body.Sampler}' not found; GET {Prefix}/samplers lists them.");
        }

        byte[]? init = null;
        if (body.InitImage is not null && !Base64Image.TryDecode(body.InitImage, out init))
        {
            return ApiProblems.Invalid("initImage", "The init image must be base64 or a data:image/...;base64, URI.");
        }

        byte[]? mask = null;
        if (body.Mask is not null && !Base64Image.TryDecode(body.Mask, out mask))
        {
            return ApiProblems.Invalid("mask", "The mask must be base64 or a data:image/...;base64, URI.");
        }

        var fill = body.MaskedContent is null ? defaults.InpaintingFill : MaskedContents.FromName(body.MaskedContent);
        if (fill is null)
        {
            return ApiProblems.Invalid("maskedContent", $"Masked content '{body.MaskedContent}' not found: use {string.Join(", ", MaskedContents.Names.Select(n => $"\"{n}\""))}.");
        }

        var noiseSource = body.NoiseSource is null
            ? NoiseSources.FromA1111(await options.RandnSourceOfAsync(ownerId, cancellationToken))
            : NoiseSourceNamed(body.NoiseSource);
        if (noiseSource is null)
        {
            return ApiProblems.Invalid("noiseSource", $"Noise source '{body.NoiseSource}' not found: use \"cpu\" (torch) or \"nv\" (Philox).");
        }

        var speed = body.Speed is null ? defaults.Speed : Speeds.FromName(body.Speed);
        if (speed is null)
        {
            return ApiProblems.Invalid("speed", $"Speed '{body.Speed}' not found: use \"exact\" or \"fast\".");
        }

        var emphasis = body.EmphasisMode is null ? defaults.EmphasisMode : EmphasisModes.FromName(body.EmphasisMode);
        if (emphasis is null)
        {
            return ApiProblems.Invalid("emphasisMode", $"Emphasis mode '{body.EmphasisMode}' not found: use {string.Join(", ", EmphasisModes.All.Select(m => $"\"{m.Name}\""))}.");
        }

        var settings = defaults with
        {
            Prompt = body.Prompt ?? "",
            NegativePrompt = body.NegativePrompt ?? "",
            EmphasisMode = emphasis.Value,
            PadPrompts = body.PadPrompts ?? defaults.PadPrompts,
            Seed = body.Seed ?? defaults.Seed,
            VariationSeed = body.VariationSeed ?? defaults.VariationSeed,
            VariationStrength = body.VariationStrength ?? defaults.VariationStrength,
            SeedResizeFromWidth = body.SeedResizeFromWidth ?? defaults.SeedResizeFromWidth,
            SeedResizeFromHeight = body.SeedResizeFromHeight ?? defaults.SeedResizeFromHeight,
            Steps = body.Steps ?? defaults.Steps,
            GuidanceScale = body.CfgScale ?? defaults.GuidanceScale,
            Scheduler = scheduler,
            NoiseSource = noiseSource.Value,
            Speed = speed.Value,
            Width = body.Width ?? defaults.Width,
            Height = body.Height ?? defaults.Height,
            BatchSize = body.BatchSize ?? defaults.BatchSize,
            BatchCount = body.BatchCount ?? defaults.BatchCount,
            EnableHires = body.EnableHires ?? defaults.EnableHires,
            HiresScale = body.HiresScale ?? defaults.HiresScale,
            HiresUpscaler = body.HiresUpscaler ?? defaults.HiresUpscaler,
            HiresSteps = body.HiresSteps ?? defaults.HiresSteps,
            HiresDenoisingStrength = body.HiresDenoisingStrength ?? defaults.HiresDenoisingStrength,
            HiresResizeWidth = body.HiresResizeWidth ?? defaults.HiresResizeWidth,
            HiresResizeHeight = body.HiresResizeHeight ?? defaults.HiresResizeHeight,
            Vae = string.IsNullOrWhiteSpace(body.Vae) ? null : body.Vae.Trim(),
            TextEncoder = string.IsNullOrWhiteSpace(body.TextEncoder) ? null : body.TextEncoder.Trim(),
            InitImage = init,
            Strength = body.DenoisingStrength ?? defaults.Strength,
            Mask = mask,
            MaskBlur = body.MaskBlur ?? defaults.MaskBlur,
            InpaintingFill = fill.Value,
            InvertMask = body.InvertMask ?? defaults.InvertMask,
            InpaintFullRes = body.OnlyMasked ?? defaults.InpaintFullRes,
            InpaintFullResPadding = body.OnlyMaskedPadding ?? defaults.InpaintFullResPadding,
        };
        var outcome = await submission.SubmitFromApiAsync(ownerId, settings, cancellationToken);
        if (outcome is not SubmitOutcome.Queued { Job: var job })
        {
            return ApiProblems.Refused(outcome, FieldNames, context.Response);
        }

        var url = GenerationMapping.JobUrl(job.Id);
        return TypedResults.Accepted(url, new GenerationCreated(job.Id, GenerationMapping.StatusName(job.Status), url));
    }

    /// <summary>The 400 for a field whose JSON value has the wrong type, in the words of the type it needs.</summary>
    private static ValidationProblem WrongType(string? path)
    {
        var field = path?.StartsWith("$.", StringComparison.Ordinal) == true ? path[2..].Split('.', '[')[0] : null;
        var type = field is null ? null : RequestFieldTypes.GetValueOrDefault(field);
        if (type is null)
        {
            return ApiProblems.Invalid("body", "The body must be a JSON object with the generation's settings.");
        }

        return ApiProblems.Invalid(field!, (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(string) => $"{field} must be a string.",
            var t when t == typeof(int) || t == typeof(long) => $"{field} must be a whole number.",
            _ => $"{field} must be a number.",
        });
    }

    /// <summary>"cpu"/"torch" or "nv"/"philox", in any case.</summary>
    private static NoiseSource? NoiseSourceNamed(string name) => name.ToLowerInvariant() switch
    {
        "cpu" or "torch" => NoiseSource.Torch,
        "nv" or "philox" => NoiseSource.Philox,
        _ => null,
    };

    private static async Task<Ok<GenerationList>> ListAsync(HttpContext context, IJobQueries queue, JobProgressFeed feed, int? page, int? pageSize)
    {
        var ownerId = context.User.StudioUserId()!;
        var number = Math.Max(1, page ?? 1);
        var size = Math.Clamp(pageSize ?? DefaultPageSize, 1, MaxPageSize);
        var (jobs, total) = await queue.ListPageAsync(ownerId, number, size, context.RequestAborted);
        var positions = await queue.PositionsAsync(ownerId, context.RequestAborted);
        var items = jobs.Select(j => GenerationMapping.ToResponse(j, feed.Latest(j.Id), positions.TryGetValue(j.Id, out var p) ? p : null)).ToList();
        return TypedResults.Ok(new GenerationList(items, number, size, total));
    }

    private static async Task<Results<Ok<GenerationResponse>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext context, IJobQueries queue, JobProgressFeed feed)
    {
        var ownerId = context.User.StudioUserId()!;
        var job = await queue.GetAsync(ownerId, id, context.RequestAborted);
        if (job is null)
        {
            return ApiProblems.NotFound("generation");
        }

        var positions = await queue.PositionsAsync(ownerId, context.RequestAborted);
        return TypedResults.Ok(GenerationMapping.ToResponse(job, feed.Latest(id), positions.TryGetValue(id, out var p) ? p : null));
    }

    private static async Task<Results<Accepted<GenerationCreated>, ProblemHttpResult>> RetryAsync(
        Guid id, HttpContext context, IJobQueries queue, JobRetry retry)
    {
        var ownerId = context.User.StudioUserId()!;
        var job = await queue.GetAsync(ownerId, id, context.RequestAborted);
        if (job is null)
        {
            return ApiProblems.NotFound("generation");
        }

        if (!JobRetry.CanRetry(job))
        {
            return ApiProblems.Conflict($"Only a failed or cancelled generation can be retried; this one has {GenerationMapping.StatusName(job.Status)}.");
        }

        var outcome = await retry.RetryAsync(job, context.RequestAborted);
        if (outcome is not SubmitOutcome.Queued { Job: var queued })
        {
            return ApiProblems.Refused(outcome, FieldNames, context.Response);
        }

        var url = GenerationMapping.JobUrl(queued.Id);
        return TypedResults.Accepted(url, new GenerationCreated(queued.Id, GenerationMapping.StatusName(queued.Status), url));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(Guid id, HttpContext context, IJobQueries queue, IJobClaims claims)
    {
        var ownerId = context.User.StudioUserId()!;
        var job = await queue.GetAsync(ownerId, id, context.RequestAborted);
        if (job is null)
        {
            return ApiProblems.NotFound("generation");
        }

        if (await claims.CancelAsync(ownerId, id, context.RequestAborted))
        {
            return TypedResults.NoContent();
        }

        // Read again: the job may have moved on between the first read and the cancel.
        var status = (await queue.GetAsync(ownerId, id, context.RequestAborted))?.Status ?? job.Status;
        return ApiProblems.Conflict(status switch
        {
            JobStatus.Succeeded => "The generation has already finished.",
            JobStatus.Failed => "The generation has already failed.",
            JobStatus.Cancelled => "The generation has already been cancelled.",
            _ => "The generation is finishing and can no longer be cancelled.",
        });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SkipAsync(Guid id, HttpContext context, IJobQueries queue, IJobClaims claims)
    {
        var ownerId = context.User.StudioUserId()!;
        var job = await queue.GetAsync(ownerId, id, context.RequestAborted);
        if (job is null)
        {
            return ApiProblems.NotFound("generation");
        }

        if (await claims.SkipAsync(ownerId, id, context.RequestAborted))
        {
            return TypedResults.NoContent();
        }

        return ApiProblems.Conflict(job.Status == JobStatus.Queued
            ? "The generation is still waiting in the queue: only a running generation can skip its batch."
            : "The generation is no longer running.");
    }

    private static async Task<IResult> GetImageAsync(Guid id, HttpContext context, ImageLibrary library)
    {
        var path = await library.FindFileAsync(context.User.StudioUserId()!, id, context.RequestAborted);
        if (path is null)
        {
            return ApiProblems.NotFound("image");
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.PhysicalFile(path, "image/png");
    }

    private static async Task<Results<Created<ShareResponse>, ProblemHttpResult>> ShareAsync(
        Guid id, HttpContext context, ShareLinkService shares, IOptions<StudioOptions> studio)
    {
        var token = await shares.CreateForImageAsync(context.User.StudioUserId()!, id, context.RequestAborted);
        if (token is null)
        {
            return ApiProblems.NotFound("image");
        }

        var origin = studio.Value.PublicBaseUrl?.TrimEnd('/') ?? $"{context.Request.Scheme}://{context.Request.Host}";
        var url = $"{origin}/s/{token}";
        return TypedResults.Created(url, new ShareResponse(url, origin + ShareEndpoints.ImageUrl(token)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnshareAsync(
        Guid id, HttpContext context, ImageLibrary library, ShareLinkService shares)
    {
        var ownerId = context.User.StudioUserId()!;
        if (await library.GetAsync(ownerId, id, context.RequestAborted) is null)
        {
            return ApiProblems.NotFound("image");
        }

        foreach (var link in await shares.ListActiveAsync(ownerId, id, null, context.RequestAborted))
        {
            await shares.RevokeAsync(ownerId, link.Id, context.RequestAborted);
        }

        return TypedResults.NoContent();
    }

    private static Ok<List<ModelResponse>> ListModels(IImageGenerator generator, ApiModelCatalog catalog)
    {
        var hashes = catalog.Available.ToDictionary(m => m.Name, m => m.Hash);
        return TypedResults.Ok(generator.Models.Select(m =>
        {
            var hash = hashes.GetValueOrDefault(m.Name);
            var d = m.Defaults;
            return new ModelResponse(m.Name, hash is null ? m.Name : $"{m.Name} [{hash}]", hash, m.IsAvailable, m.UnavailableReason,
                m.SupportsImageToImage, d.Steps, d.GuidanceScale, d.Scheduler, d.Width, d.Height, m.Card.Description, m.Card.Examples);
        }).ToList());
    }

    private static Ok<List<ComponentResponse>> ListComponents(IImageGenerator generator) => TypedResults.Ok(ComponentResponse.List(generator.Models));

    private static Ok<List<SamplerResponse>> ListSamplers() =>
        TypedResults.Ok(Inference.Scheduling.SamplerCatalog.All
            .Select(s => new SamplerResponse(s.Id, s.DisplayName, s.SamplerName, s.ScheduleType))
            .ToList());
}
