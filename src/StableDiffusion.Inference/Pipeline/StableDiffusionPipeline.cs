using System.Diagnostics;
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
/// One pipeline runs one job at a time: <see cref="Generate"/> is not safe to call concurrently on the same model
/// (the studio's single worker thread calls it); the model's sessions are shared by every call.
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
        var started = Stopwatch.GetTimestamp();
        Validate(settings);
        cancellationToken.ThrowIfCancellationRequested();
        var vae = model.VaeDecoder;
        // A1111's -1: a random seed (and variation seed), drawn once for the whole job.
        var job = settings with
        {
            Seed = settings.Seed >= 0 ? settings.Seed : Random.Shared.NextInt64(0, uint.MaxValue),
            VariationSeed = settings.VariationSeed >= 0 || settings.VariationStrength == 0 ? settings.VariationSeed : Random.Shared.NextInt64(0, uint.MaxValue),
        };
        var latentShape = new LatentShape(model.LatentChannels, settings.Height / vae.ScaleFactor, settings.Width / vae.ScaleFactor);
        var guided = settings.GuidanceScale > 1.0;
        var warnings = new List<string>();

        // 1. Parse the prompts' weights and pack their tokens into 77-token chunks, as A1111 (the negative prompt only when
        //    guidance needs the unconditional half).
        var clock = Stopwatch.GetTimestamp();
        var (prompt, negative) = PromptConditioning.Chunk(model.Tokenizer, settings, guided);
        var tokenizeMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

        // 2. Encode each chunk, apply the weights, concatenate: [uncond, cond], in one UNet batch when their lengths match,
        //    each repeated once per image of a batch.
        clock = Stopwatch.GetTimestamp();
        using var encoderHiddenStates = PromptConditioning.Encode(model, prompt, negative, settings, warnings, out var padded, cancellationToken);
        // The images record padding only when it happened, as A1111 writes "Pad conds" only then.
        job.PadPrompts = padded;
        var textEncoderMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

        // 3. img2img: encode the init image once; every image of the job starts from it.
        //    Inpainting prepares the mask and the image first, as A1111 does (Inpainting/).
        var inpainting = settings.Mask is null ? null : InpaintingSetup.Prepare(settings, latentShape, model.IsInpainting,
            (chw, width, height) => model.VaeEncoder!.Encode(chw, width, height, cancellationToken));
        var initLatents = settings.InitImage is null || inpainting is not null ? null : EncodeInitImage(settings, cancellationToken);

        // A1111's hires fix: after the loop, an upscale and a second, img2img loop at the larger size.
        var hires = settings.EnableHires ? HiresFix.For(settings, vae.ScaleFactor) : null;

        var images = new List<GeneratedImage>();
        var unet = new UnetTally();
        var cache = settings.Speed == Speed.Fast ? FastOptions : StepCacheOptions.Off;
        if (SamplerCatalog.Get(settings.Scheduler).AddsNoiseEachStep)
        {
            cache = cache with { SkipThreshold = 0 };
        }
        double vaeMs = 0;
        for (var batchIndex = 0; batchIndex < settings.BatchCount; batchIndex++)
        {
            // A1111 clears state.skipped as each batch begins: a skip counts for the batch it arrives in (one that arrives
            // while the prompts are encoded counts for the first).
            if (batchIndex > 0)
            {
                skip?.Clear();
            }
            var firstImage = batchIndex * settings.BatchSize;

            // 4. Initial latents, each image from its own seed's generator (A1111 slices all_seeds batch_size at a time),
            // with A1111's variation seed and seed resize.
            var batch = Enumerable.Range(firstImage, settings.BatchSize).Select(index => StartImage(job.ForImage(index), latentShape, initLatents, inpainting)).ToList();

            // The hires pass's schedule is known now, so progress counts the steps of both passes from the start.
            var (hiresSteps, hiresBegin) = hires is null ? (0, 0) : CountSteps(hires.CreateScheduler(settings.Scheduler, model.SchedulerConfig));
            var steps = new StepCounter(firstImage, settings.ImageCount, settings.BatchSize,
                batch[0].Scheduler.Timesteps.Count - batch[0].BeginIndex + hiresSteps - hiresBegin, started, progress);

            // 5. The denoising loop, the batch's latents in one UNet call per step.
            var imageShape = latentShape;
            var skipped = Denoise(batch, imageShape, encoderHiddenStates, settings.GuidanceScale, cache, steps, unet, skip, cancellationToken);

            // 6. Hires fix (A1111's sample_hr_pass): upscale, then each image's noise made anew at the new size (a fresh
            // generator, as A1111's new ImageRNG) and an img2img loop from the upscaled latents. A skipped batch ends here.
            if (hires is not null && !skipped)
            {
                var upscaledBatch = new List<BatchImage>();
                foreach (var image in batch)
                {
                    clock = Stopwatch.GetTimestamp();
                    (var upscaled, var upscaledShape) = hires.Upscale(model, image.Latents, latentShape, cancellationToken);
                    vaeMs += hires.Upscaler.IsLatent ? 0 : Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
                    var generator = NoiseGenerators.Create(image.Settings.NoiseSource, image.Settings.Seed);
                    var noise = InitialNoise(image.Settings, upscaledShape, generator);
                    var (hiresScheduler, hiresBeginIndex) = hires.CreateScheduler(settings.Scheduler, model.SchedulerConfig);
                    var latents = new double[upscaledShape.Length];
                    hiresScheduler.AddNoise(upscaled, noise, hiresBeginIndex, latents);
                    upscaledBatch.Add(new BatchImage(image.Settings, generator, hiresScheduler, hiresBeginIndex, latents));
                    imageShape = upscaledShape;
                }
                batch = upscaledBatch;
                skipped = Denoise(batch, imageShape, encoderHiddenStates, settings.GuidanceScale, cache, steps, unet, skip, cancellationToken);
            }

            if (skipped)
            {
                warnings.Add(SkippedWarning(firstImage, settings.BatchSize, steps.Done, steps.Total));
            }

            // 7. VAE decode, one image at a time as diffusers' ONNX pipeline does. A skipped batch decodes the last step's
            // prediction of the clean image, as A1111's samplers return their last "denoised" when interrupted.
            foreach (var image in batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                clock = Stopwatch.GetTimestamp();
                var latents = skipped && image.PredictedOriginal is { } clean ? clean : image.Latents;
                var decoded = vae.Decode(latents, imageShape, cancellationToken);
                images.Add(new GeneratedImage(image.Settings, image.Inpaint?.PasteBack(decoded) ?? decoded) { BatchPosition = images.Count % settings.BatchSize });
                vaeMs += Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
            }
        }

        var timings = new GenerationTimings(tokenizeMs, textEncoderMs, unet.Milliseconds, unet.Steps == 0 ? 0 : unet.Milliseconds / unet.Steps, vaeMs,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds)
        {
            UnetCalls = unet.Calls,
            UnetEvaluations = unet.Evaluations,
            Images = images.Count,
        };
        return new GenerationResult(images, timings, warnings);
    }

    private static (int Steps, int BeginIndex) CountSteps((IScheduler Scheduler, int BeginIndex) pass) => (pass.Scheduler.Timesteps.Count, pass.BeginIndex);

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

    /// <summary>
    /// 5. The denoising loop over a batch, from its schedulers' begin index to the end, in place on each image's latents.
    /// </summary>
    /// <param name="cache">
    /// Step caching (Speed: Fast): each image decides on its own whether a step runs the UNet, so an image made in a batch is
    /// the image made alone; those that skip keep their last noise prediction, which the scheduler takes as if computed
    /// (a multistep scheduler's history stays consistent). <see cref="StepCacheOptions.Off"/> runs every step.
    /// </param>
    /// <returns>Whether a skip ended it early.</returns>
    private bool Denoise(List<BatchImage> batch, LatentShape latentShape, EncoderHiddenStates encoderHiddenStates, double guidanceScale,
        StepCacheOptions cache, StepCounter steps, UnetTally unet, SkipSignal? skip, CancellationToken cancellationToken)
    {
        var (timesteps, beginIndex) = (batch[0].Scheduler.Timesteps, batch[0].BeginIndex);
        var skippers = batch.Select(_ => new StepSkipper(cache, beginIndex, timesteps.Count - 1)).ToArray();
        using var hiddenStates = new BatchHiddenStates(model.Unet, encoderHiddenStates);
        for (var b = 0; b < batch.Count; b++)
        {
            skippers[b].Observe(batch[b].Latents);
        }
        for (var stepIndex = beginIndex; stepIndex < timesteps.Count; stepIndex++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (skip?.IsRequested == true)
            {
                return true;
            }

            // 5a. Scale the input (σ-scaled for Euler/LMS, identity for DDIM/PNDM).
            foreach (var image in batch)
            {
                image.Scheduler.ScaleModelInput(image.Latents, stepIndex, image.ModelInput);
            }

            // 5b–c. UNet on [uncond × N, cond × N], then classifier-free guidance; under step caching only for the images
            //       that do not reuse their last prediction, and on the prompt alone once guidance is truncated.
            var evaluated = batch.Where((_, b) => skippers[b].ShouldEvaluate(stepIndex)).ToList();
            if (evaluated.Count > 0)
            {
                var states = hiddenStates.For(evaluated.Count, cache.DropsUnconditional(stepIndex, beginIndex, timesteps.Count));
                var clock = Stopwatch.GetTimestamp();
                PredictGuidedNoise(evaluated, latentShape, timesteps[stepIndex], states, guidanceScale, cancellationToken);
                unet.Add(Stopwatch.GetElapsedTime(clock).TotalMilliseconds, states.CallsPerStep, evaluated.Count);
            }

            // 5d. Scheduler step: x_t → x_{t−1}, each image with its own generator for ancestral noise.
            for (var b = 0; b < batch.Count; b++)
            {
                var image = batch[b];
                image.PredictedOriginal = image.Scheduler.Step(image.NoisePrediction, stepIndex, image.Latents, image.Generator);
                image.Inpaint?.Blend(image.Latents, stepIndex);
                skippers[b].Observe(image.Latents);
            }

            // 5e. Report progress, with a preview of the batch's first image's predicted clean image.
            steps.Report(step => Preview(batch[0].PredictedOriginal!, step, latentShape, cancellationToken));
        }

        return false;
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

    /// <summary>
    /// The guided noise prediction of one step for every image of the batch: the UNet on every prompt of
    /// <paramref name="encoderHiddenStates"/> and every latent (one batched call, or more when the prompts' lengths or the
    /// graph's batch axis say so), then noise = uncond + g·(cond − uncond) when there is a negative half.
    /// </summary>
    private void PredictGuidedNoise(List<BatchImage> batch, LatentShape latentShape, double timestep, EncoderHiddenStates encoderHiddenStates,
        double guidanceScale, CancellationToken cancellationToken)
    {
        var conditioning = batch[0].Inpaint?.UnetConditioning is null ? null : batch.Select(i => i.Inpaint!.UnetConditioning!).ToList();
        var prediction = model.Unet.Predict(batch.Select(i => i.ModelInput).ToList(), latentShape, timestep, encoderHiddenStates, cancellationToken, conditioning);
        var guided = encoderHiddenStates.Prompts == 2;
        var length = latentShape.Length;
        for (var b = 0; b < batch.Count; b++)
        {
            // Prompt-major: [uncond: image 0…N−1, cond: image 0…N−1], or the prompt's alone.
            var cond = prediction.AsSpan(((guided ? batch.Count : 0) + b) * length, length);
            var uncond = guided ? prediction.AsSpan(b * length, length) : cond;
            Guide(uncond, cond, guided, guidanceScale, batch[b].NoisePrediction);
        }
    }

    /// <summary>Classifier-free guidance of one image: noise = uncond + g·(cond − uncond), or the prompt's prediction alone.</summary>
    private static void Guide(ReadOnlySpan<float> uncond, ReadOnlySpan<float> cond, bool guided, double guidanceScale, double[] noisePred)
    {
        for (var i = 0; i < noisePred.Length; i++)
        {
            noisePred[i] = guided ? uncond[i] + guidanceScale * (cond[i] - uncond[i]) : cond[i];
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
