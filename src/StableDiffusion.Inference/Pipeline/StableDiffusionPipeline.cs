using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.StepCaching;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// txt2img and img2img over one loaded model, as diffusers' StableDiffusion(Img2Img)Pipeline.__call__.
/// A job alone (<see cref="Generate"/>) and several jobs in one shared batch (<see cref="GenerateTogether"/>) run the same
/// denoising loop. One pipeline runs one call at a time: neither is safe to call concurrently on the same model (the
/// studio's worker holds the model's lock); the model's sessions are shared by every call.
/// </summary>
public sealed partial class StableDiffusionPipeline(StableDiffusionModel model)
{
    /// <summary>What <see cref="Speed.Fast"/> does; <c>sd bench --cache</c> measures other choices through it.</summary>
    public StepCacheOptions FastOptions { get; init; } = StepCacheOptions.Fast;

    /// <summary>
    /// Runs the whole pipeline: <see cref="GenerationSettings.BatchCount"/> batches of <see cref="GenerationSettings.BatchSize"/>
    /// images, each batch denoised together. Throws <see cref="OperationCanceledException"/> within one step of
    /// cancellation, <see cref="ArgumentException"/> for settings the model cannot take.
    /// A negative seed picks a random one (A1111's -1); the images carry the seeds used.
    /// </summary>
    /// <param name="skip">Ends the current batch early (A1111's Skip); the run goes on with the next batch.</param>
    public GenerationResult Generate(GenerationSettings settings, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default,
        SkipSignal? skip = null)
    {
        var outcome = Run([new GenerationRequest(settings, progress, cancellationToken, skip)], shared: false)[0];
        if (outcome.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
        return outcome.Result!;
    }

    /// <summary>
    /// Runs several jobs of one <see cref="SharedBatchKey"/> as one shared batch: every image of every request in one UNet
    /// call per step (one per prompt length when the prompts' chunk counts differ), each image under its own prompt and
    /// negative prompt, CFG scale, seed and generator, step-caching decisions, init image and mask, so every request gets
    /// the images <see cref="Generate"/> makes of it alone. Each request reports its own progress; a cancelled request
    /// leaves at the next step (a call in flight is stopped only when every request in it was cancelled), and a skip ends
    /// that request's current batch only. Nothing one request does fails another: each outcome says how it ended.
    /// </summary>
    public IReadOnlyList<GenerationOutcome> GenerateTogether(IReadOnlyList<GenerationRequest> requests)
    {
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        return Run(requests, shared: true);
    }

    /// <summary>
    /// The jobs' batches (batch count) in rounds: the first batch of every job steps together, then the second batch of those
    /// that have one, and so on; a job alone is the case of one. Each round is A1111's process_images for each job's batch:
    /// initial latents, the denoising loop (<see cref="Denoise"/>), hires fix's second pass, VAE decode.
    /// </summary>
    private GenerationOutcome[] Run(IReadOnlyList<GenerationRequest> requests, bool shared)
    {
        var started = Stopwatch.GetTimestamp();
        var key = SharedBatchKey.Of(requests[0].Settings);
        var outcomes = new GenerationOutcome[requests.Count];
        var jobs = new List<JobRun>();
        for (var index = 0; index < requests.Count; index++)
        {
            try
            {
                if (shared && (key is null || SharedBatchKey.Of(requests[index].Settings) != key))
                {
                    throw new ArgumentException("Only jobs of one model, size, step count and scheduler, without hires fix, can share a batch.", nameof(requests));
                }
                jobs.Add(Join(index, requests[index], started));
            }
            catch (Exception error)
            {
                outcomes[index] = GenerationOutcome.Failed(error);
            }
        }

        for (var round = 0; ; round++)
        {
            var stepping = jobs.Where(job => job.Error is null && round < job.Settings.BatchCount).ToList();
            if (stepping.Count == 0)
            {
                break;
            }

            // 4. Initial latents, each image from its own seed's generator (A1111 slices all_seeds batch_size at a time).
            stepping.ForEach(job => job.Attempt(() => job.BeginBatch(round, image => StartImage(image, job.LatentShape, job.InitLatents, job.Inpainting))));

            // 5. The denoising loop, every job's batch in one UNet call per step.
            Denoise([.. stepping.Where(job => job.Error is null)]);

            // 6. Hires fix (A1111's sample_hr_pass), a job at a time: its second pass is at its own larger size. A skipped batch ends here.
            foreach (var job in stepping.Where(job => job.Error is null && job.Hires is not null && !job.Skipped))
            {
                job.Attempt(() => Upscale(job));
                if (job.Error is null)
                {
                    Denoise([job]);
                }
            }

            // 7. VAE decode.
            stepping.Where(job => job.Error is null).ToList().ForEach(Decode);
        }

        foreach (var job in jobs)
        {
            outcomes[job.Index] = job.Outcome();
        }
        return outcomes;
    }

    /// <summary>
    /// A request's settings checked, its seeds resolved, its prompts encoded (a cached prompt is not encoded again) and, for
    /// img2img and inpainting, its init image encoded: what every batch of the job starts from.
    /// </summary>
    private JobRun Join(int index, GenerationRequest request, long started)
    {
        var settings = request.Settings;
        Validate(settings);
        var cancellationToken = request.CancellationToken;
        cancellationToken.ThrowIfCancellationRequested();
        // A1111's -1: a random seed (and variation seed), drawn once for the whole job.
        var job = settings with
        {
            Seed = settings.Seed >= 0 ? settings.Seed : Random.Shared.NextInt64(0, uint.MaxValue),
            VariationSeed = settings.VariationSeed >= 0 || settings.VariationStrength == 0 ? settings.VariationSeed : Random.Shared.NextInt64(0, uint.MaxValue),
        };
        var latentShape = new LatentShape(model.LatentChannels, settings.Height / model.VaeScaleFactor, settings.Width / model.VaeScaleFactor);
        var warnings = new List<string>();

        // 1. Parse the prompts' weights and pack their tokens into 77-token chunks, as A1111 (the negative prompt only when
        //    guidance needs the unconditional half).
        var clock = Stopwatch.GetTimestamp();
        var (prompt, negative) = PromptConditioning.Chunk(model.Tokenizer, settings, settings.GuidanceScale > 1.0);
        var tokenizeMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

        // 2. Encode each chunk, apply the weights, concatenate: the UNet's contexts [negative prompt, prompt].
        clock = Stopwatch.GetTimestamp();
        var contexts = PromptConditioning.EncodePrompts(model, prompt, negative, settings, warnings, out var padded, cancellationToken);
        // The images record padding only when it happened, as A1111 writes "Pad conds" only then.
        job.PadPrompts = padded;
        var textEncoderMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

        // 3. img2img: encode the init image once; every image of the job starts from it.
        //    Inpainting prepares the mask and the image first, as A1111 does (Inpainting/).
        var inpainting = settings.Mask is null ? null : InpaintingSetup.Prepare(settings, latentShape, model.IsInpainting,
            (chw, width, height) => model.VaeEncoder!.Encode(chw, width, height, cancellationToken));

        // A1111's hires fix: after the loop, an upscale and a second, img2img loop at the larger size, whose steps progress counts from the start.
        var hires = settings.EnableHires ? HiresFix.For(settings, model.VaeScaleFactor) : null;
        var hiresPass = hires?.CreateScheduler(settings.Scheduler, model.SchedulerConfig);

        // Speed: Fast; samplers that add noise each step keep every step (a reused prediction would not know the fresh noise).
        var cache = settings.Speed == Speed.Fast ? FastOptions : StepCacheOptions.Off;
        return new JobRun(index, request, job, started)
        {
            LatentShape = latentShape,
            Contexts = contexts,
            Cache = SamplerCatalog.Get(settings.Scheduler).AddsNoiseEachStep ? cache with { SkipThreshold = 0 } : cache,
            Inpainting = inpainting,
            InitLatents = settings.InitImage is null || inpainting is not null ? null : EncodeInitImage(settings, cancellationToken),
            Hires = hires,
            HiresSteps = hiresPass is { } pass ? pass.Scheduler.Timesteps.Count - pass.BeginIndex : 0,
            Warnings = warnings,
            TokenizeMs = tokenizeMs,
            TextEncoderMs = textEncoderMs,
        };
    }

    /// <summary>
    /// 6. Hires fix: upscale, then each image's noise made anew at the new size (a fresh generator, as A1111's new
    /// ImageRNG) and the upscaled latents noised to where the second, img2img loop starts.
    /// </summary>
    private void Upscale(JobRun job)
    {
        var hires = job.Hires!;
        var upscaledBatch = new List<BatchImage>();
        foreach (var image in job.Batch)
        {
            var clock = Stopwatch.GetTimestamp();
            (var upscaled, var upscaledShape) = hires.Upscale(model, image.Latents, job.LatentShape, job.CancellationToken);
            job.VaeMs += hires.Upscaler.IsLatent ? 0 : Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
            var generator = NoiseGenerators.Create(image.Settings.NoiseSource, image.Settings.Seed);
            var noise = InitialNoise(image.Settings, upscaledShape, generator);
            var (scheduler, beginIndex) = hires.CreateScheduler(job.Settings.Scheduler, model.SchedulerConfig);
            var latents = new double[upscaledShape.Length];
            scheduler.AddNoise(upscaled, noise, beginIndex, latents);
            upscaledBatch.Add(new BatchImage(image.Settings, generator, scheduler, beginIndex, latents));
            job.ImageShape = upscaledShape;
        }
        job.Batch = upscaledBatch;
    }

    /// <summary>
    /// A scheduler and the initial latents for <paramref name="image"/>: its noise from its own generator (A1111's
    /// ImageRNG.first); for img2img, the init image noised to where the loop starts.
    /// </summary>
    private BatchImage StartImage(GenerationSettings image, LatentShape latentShape, double[]? initLatents, InpaintingSetup? inpainting)
    {
        var generator = NoiseGenerators.Create(image.NoiseSource, image.Seed);
        var scheduler = SchedulerFactory.Create(image.Scheduler, model.SchedulerConfig);
        scheduler.SetTimesteps(image.Steps);
        var noise = InitialNoise(image, latentShape, generator);
        var inpaint = inpainting?.ForImage(noise, scheduler);
        initLatents = inpaint?.InitLatents ?? initLatents;
        var latents = new double[latentShape.Length];
        var beginIndex = 0;
        if (initLatents is null)
        {
            for (var i = 0; i < latents.Length; i++)
            {
                latents[i] = noise[i] * scheduler.InitNoiseSigma;
            }
        }
        else
        {
            // diffusers img2img get_timesteps: skip the first N - int(N·strength) steps (but always denoise at least one),
            // then noise the image to where the loop starts.
            beginIndex = ImageToImage.StartIndexForAtLeastOneStep(image.Steps, image.Strength, scheduler.Order);
            scheduler.SetBeginIndex(beginIndex);
            scheduler.AddNoise(initLatents, noise, beginIndex, latents);
        }
        return new BatchImage(image, generator, scheduler, beginIndex, latents) { Inpaint = inpaint };
    }

    /// <summary>The image's initial noise (A1111's ImageRNG.first) for a latent of <paramref name="shape"/>.</summary>
    private float[] InitialNoise(GenerationSettings image, LatentShape shape, INoiseGenerator generator)
    {
        LatentShape? resizeFrom = image.SeedResizeFromWidth > 0 && image.SeedResizeFromHeight > 0
            ? shape with { Height = image.SeedResizeFromHeight / model.VaeScaleFactor, Width = image.SeedResizeFromWidth / model.VaeScaleFactor }
            : null;
        return ImageNoise.First(generator, shape, image.NoiseSource, image.Seed, image.VariationSeed, image.VariationStrength, resizeFrom);
    }

    /// <summary>Counts one batch's steps over both passes and reports each to <see cref="IProgress{T}"/>.</summary>
    private sealed class StepCounter(int firstImage, int imageCount, int batchSize, int totalSteps, long started, IProgress<StepProgress>? progress)
    {
        public int Done { get; private set; }

        public int Total => totalSteps;

        /// <param name="preview">Makes the step's preview; called only when someone listens.</param>
        public void Report(Func<int, RgbImage?> preview)
        {
            Done++;
            progress?.Report(new StepProgress(firstImage, imageCount, Done, totalSteps, Stopwatch.GetElapsedTime(started), preview(Done), batchSize));
        }
    }

    /// <summary>
    /// The UNet's milliseconds, denoising steps that ran it (a batch's step counts once), ONNX calls, and evaluations (one
    /// image at one step, the CFG pair or the prompt alone) over the run.
    /// </summary>
    private sealed class UnetTally
    {
        public double Milliseconds { get; private set; }

        public int Steps { get; private set; }

        public int Calls { get; private set; }

        public int Evaluations { get; private set; }

        public void Add(double milliseconds, int calls, int images) =>
            (Milliseconds, Steps, Calls, Evaluations) = (Milliseconds + milliseconds, Steps + 1, Calls + calls, Evaluations + images);
    }

    private static string SkippedWarning(int firstImage, int batchSize, int stepsDone, int totalSteps) => batchSize == 1
        ? $"Image {firstImage + 1} was skipped after {stepsDone} of {totalSteps} steps."
        : $"Images {firstImage + 1}–{firstImage + batchSize} were skipped after {stepsDone} of {totalSteps} steps.";

    /// <summary>Classifier-free guidance of one image: noise = uncond + g·(cond − uncond), or the prompt's prediction alone.</summary>
    /// <remarks>
    /// cond − uncond in float32 (the UNet's precision), then scaled and added in double, as one value at a time would; the
    /// vectors make the same operations in the same order, eight values at a time (a 512² latent is 16 384 of them a step).
    /// </remarks>
    private static void Guide(ReadOnlySpan<float> uncond, ReadOnlySpan<float> cond, bool guided, double guidanceScale, double[] noisePred)
    {
        if (!guided)
        {
            TensorPrimitives.ConvertTruncating(cond[..noisePred.Length], noisePred);
            return;
        }
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var uncondStart = ref MemoryMarshal.GetReference(uncond);
            ref var condStart = ref MemoryMarshal.GetReference(cond);
            ref var target = ref MemoryMarshal.GetArrayDataReference(noisePred);
            var scale = Vector256.Create(guidanceScale);
            for (; i <= noisePred.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var unconditional = Vector256.LoadUnsafe(ref uncondStart, (nuint)i);
                var (differenceLow, differenceHigh) = Vector256.Widen(Vector256.LoadUnsafe(ref condStart, (nuint)i) - unconditional);
                var (unconditionalLow, unconditionalHigh) = Vector256.Widen(unconditional);
                (unconditionalLow + scale * differenceLow).StoreUnsafe(ref target, (nuint)i);
                (unconditionalHigh + scale * differenceHigh).StoreUnsafe(ref target, (nuint)(i + Vector256<double>.Count));
            }
        }
        for (; i < noisePred.Length; i++)
        {
            noisePred[i] = uncond[i] + guidanceScale * (cond[i] - uncond[i]);
        }
    }

    /// <summary>img2img: the init image resized to the requested size, as diffusers' image_processor.preprocess, then encoded.</summary>
    private double[] EncodeInitImage(GenerationSettings settings, CancellationToken cancellationToken)
    {
        using var decoded = DecodeInitImage(settings.InitImage!);
        using var resized = ImageTensors.Resize(decoded, settings.Width, settings.Height);
        return model.VaeEncoder!.Encode(resized, cancellationToken);
    }

    /// <summary>Uploads go through the size- and format-limited decoder; a refused image is a bad argument, not a crash.</summary>
    private static Image<Rgb24> DecodeInitImage(byte[] bytes)
    {
        try
        {
            return SafeImageDecoder.Decode(bytes);
        }
        catch (InvalidImageException error)
        {
            throw new ArgumentException($"Init image: {error.Message}", nameof(bytes), error);
        }
    }

    /// <summary>
    /// A small picture of the predicted clean latent: the cheap latent→RGB map every step when the model ships one, else a
    /// VAE decode every <c>VaePreviewEverySteps</c> steps (A1111's "Approx cheap" and "Full" live previews).
    /// </summary>
    private RgbImage? Preview(double[] predictedOriginal, int step, LatentShape latentShape, CancellationToken cancellationToken)
    {
        if (model.RgbFactors is { } factors)
        {
            return ImageTensors.ToImage(factors.ToRgb(predictedOriginal, latentShape.Height, latentShape.Width), latentShape.Width, latentShape.Height);
        }
        var every = model.Options.VaePreviewEverySteps;
        return every > 0 && step % every == 0 ? model.VaeDecoder.Decode(predictedOriginal, latentShape, cancellationToken) : null;
    }

    private void Validate(GenerationSettings settings)
    {
        // diffusers check_inputs wants multiples of 8; a VAE that downsamples more (a power of two past 8) needs its own factor.
        var multiple = Math.Max(8, model.VaeScaleFactor);
        if (settings.Width <= 0 || settings.Height <= 0 || settings.Width % multiple != 0 || settings.Height % multiple != 0)
        {
            throw new ArgumentException($"Width and height must be positive multiples of {multiple} (got {settings.Width}×{settings.Height}).", nameof(settings));
        }
        if (model.Unet.FixedLatentSize is { } size && (settings.Height != size.Height * model.VaeScaleFactor || settings.Width != size.Width * model.VaeScaleFactor))
        {
            throw new ArgumentException($"Model '{model.Name}' was exported for {size.Width * model.VaeScaleFactor}×{size.Height * model.VaeScaleFactor} images only.", nameof(settings));
        }
        if (settings.Steps < 1)
        {
            throw new ArgumentException($"Steps must be at least 1 (got {settings.Steps}).", nameof(settings));
        }
        if (!SamplerCatalog.Ids.Contains(settings.Scheduler))
        {
            throw new ArgumentException($"Unknown scheduler '{settings.Scheduler}'; known: {string.Join(", ", SamplerCatalog.Ids)}.", nameof(settings));
        }
        if (!(settings.VariationStrength is >= 0 and <= 1))
        {
            throw new ArgumentException($"Variation strength must be in [0, 1] (got {settings.VariationStrength}).", nameof(settings));
        }
        if (settings.BatchCount < 1)
        {
            throw new ArgumentException($"Batch count must be at least 1 (got {settings.BatchCount}).", nameof(settings));
        }
        if (settings.BatchSize < 1)
        {
            throw new ArgumentException($"Batch size must be at least 1 (got {settings.BatchSize}).", nameof(settings));
        }
        if (settings.SeedResizeFromWidth < 0 || settings.SeedResizeFromHeight < 0
            || (settings.SeedResizeFromWidth > 0 && settings.SeedResizeFromHeight > 0
                && (settings.SeedResizeFromWidth < model.VaeScaleFactor || settings.SeedResizeFromHeight < model.VaeScaleFactor)))
        {
            throw new ArgumentException($"Seed resize from must be 0 (off) or at least {model.VaeScaleFactor} pixels each way (got {settings.SeedResizeFromWidth}×{settings.SeedResizeFromHeight}).", nameof(settings));
        }
        if (settings.EnableHires)
        {
            ValidateHires(settings);
        }
        if (settings.InitImage is not null)
        {
            if (!model.SupportsImageToImage)
            {
                throw new ArgumentException($"Model '{model.Name}' has no vae_encoder, so it cannot do img2img.", nameof(settings));
            }
            if (settings.Strength is <= 0 or > 1 || double.IsNaN(settings.Strength))
            {
                throw new ArgumentException($"Strength must be in (0, 1] (got {settings.Strength}).", nameof(settings));
            }
        }
        InpaintingChecks.Validate(settings, model);
    }

    private void ValidateHires(GenerationSettings settings)
    {
        if (settings.InitImage is not null)
        {
            throw new ArgumentException("Hires fix is for txt2img: turn it off to start from an init image.", nameof(settings));
        }
        if (!double.IsFinite(settings.HiresScale) || settings.HiresScale < 1)
        {
            throw new ArgumentException($"Hires scale must be at least 1 (got {settings.HiresScale}).", nameof(settings));
        }
        if (settings.HiresSteps < 0 || settings.HiresResizeWidth < 0 || settings.HiresResizeHeight < 0)
        {
            throw new ArgumentException("Hires steps and hires resize width and height must be 0 or more.", nameof(settings));
        }
        if (settings.HiresDenoisingStrength is <= 0 or > 1 || double.IsNaN(settings.HiresDenoisingStrength))
        {
            throw new ArgumentException($"Hires denoising strength must be in (0, 1] (got {settings.HiresDenoisingStrength}).", nameof(settings));
        }
        var plan = HiresFix.For(settings, model.VaeScaleFactor);
        if (model.Unet.FixedLatentSize is not null)
        {
            throw new ArgumentException($"Model '{model.Name}' was exported for one size only, so it cannot run hires fix's larger second pass.", nameof(settings));
        }
        if (!plan.Upscaler.IsLatent && !model.SupportsImageToImage)
        {
            throw new ArgumentException($"Model '{model.Name}' has no vae_encoder, so hires upscaler '{plan.Upscaler.Name}' cannot encode its image; choose a Latent upscaler.", nameof(settings));
        }
    }
}
