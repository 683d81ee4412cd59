using System.Diagnostics;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// txt2img and img2img over one loaded model, as diffusers' StableDiffusion(Img2Img)Pipeline.__call__.
/// One pipeline runs one job at a time: <see cref="Generate"/> is not safe to call concurrently on the same model
/// (the studio's single worker thread calls it); the model's sessions are shared by every call.
/// </summary>
public sealed class StableDiffusionPipeline(StableDiffusionModel model)
{
    /// <summary>
    /// Runs the whole pipeline. Throws <see cref="OperationCanceledException"/> within one step of
    /// cancellation, <see cref="ArgumentException"/> for settings the model cannot take.
    /// A negative seed picks a random one (A1111's -1); the images carry the seeds used.
    /// </summary>
    public GenerationResult Generate(GenerationSettings settings, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        Validate(settings);
        cancellationToken.ThrowIfCancellationRequested();
        var vae = model.VaeDecoder;
        // A1111's -1: a random seed (and variation seed), drawn once for the whole batch.
        var batch = settings with
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

        // 2. Encode each chunk, apply the weights, concatenate: [uncond, cond], in one UNet batch when their lengths match.
        clock = Stopwatch.GetTimestamp();
        using var encoderHiddenStates = PromptConditioning.Encode(model, prompt, negative, settings, warnings, out var padded, cancellationToken);
        // The images record padding only when it happened, as A1111 writes "Pad conds" only then.
        batch.PadPrompts = padded;
        var textEncoderMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

        // 3. img2img: encode the init image once; every image of the batch starts from it.
        var initLatents = settings.InitImage is null ? null : EncodeInitImage(settings, cancellationToken);

        // A1111's hires fix: after the loop, an upscale and a second, img2img loop at the larger size.
        var hires = settings.EnableHires ? HiresFix.For(settings, vae.ScaleFactor) : null;

        var images = new List<GeneratedImage>();
        double unetMs = 0, vaeMs = 0;
        var unetSteps = 0;
        for (var imageIndex = 0; imageIndex < settings.BatchCount; imageIndex++)
        {
            var image = batch.ForImage(imageIndex);
            var generator = NoiseGenerators.Create(image.NoiseSource, image.Seed);
            var scheduler = SchedulerFactory.Create(settings.Scheduler, model.SchedulerConfig);
            scheduler.SetTimesteps(settings.Steps);

            // 4. Initial latents: one randn of [1, C, h, w] from this image's generator, as diffusers' prepare_latents,
            // with A1111's variation seed and seed resize.
            var beginIndex = 0;
            var latents = new double[latentShape.Length];
            var noise = InitialNoise(image, latentShape, generator);

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
                beginIndex = ImageToImage.StartIndexForAtLeastOneStep(settings.Steps, settings.Strength, scheduler.Order);
                scheduler.SetBeginIndex(beginIndex);
                scheduler.AddNoise(initLatents, noise, beginIndex, latents);
            }

            // The hires pass's schedule is known now, so progress counts the steps of both passes from the start.
            (IScheduler? hiresScheduler, int hiresBeginIndex) = hires is null ? (null, 0) : hires.CreateScheduler(settings.Scheduler, model.SchedulerConfig);
            var steps = new StepCounter(imageIndex, settings.BatchCount,
                scheduler.Timesteps.Count - beginIndex + (hiresScheduler?.Timesteps.Count - hiresBeginIndex ?? 0), started, progress);

            // 5. The denoising loop.
            var imageShape = latentShape;
            var (ms, count) = Denoise(scheduler, beginIndex, latents, imageShape, generator, encoderHiddenStates, settings.GuidanceScale, steps, cancellationToken);
            (unetMs, unetSteps) = (unetMs + ms, unetSteps + count);

            // 6. Hires fix (A1111's sample_hr_pass): upscale, then the image's noise made anew at the new size (a fresh
            // generator, as A1111's new ImageRNG) and an img2img loop from the upscaled latents.
            if (hires is not null)
            {
                clock = Stopwatch.GetTimestamp();
                (var upscaled, imageShape) = hires.Upscale(model, latents, imageShape, cancellationToken);
                vaeMs += hires.Upscaler.IsLatent ? 0 : Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
                generator = NoiseGenerators.Create(image.NoiseSource, image.Seed);
                noise = InitialNoise(image, imageShape, generator);
                latents = new double[imageShape.Length];
                hiresScheduler!.AddNoise(upscaled, noise, hiresBeginIndex, latents);
                (ms, count) = Denoise(hiresScheduler, hiresBeginIndex, latents, imageShape, generator, encoderHiddenStates, settings.GuidanceScale, steps, cancellationToken);
                (unetMs, unetSteps) = (unetMs + ms, unetSteps + count);
            }

            // 7. VAE decode, one image at a time as diffusers' ONNX pipeline does.
            cancellationToken.ThrowIfCancellationRequested();
            clock = Stopwatch.GetTimestamp();
            images.Add(new GeneratedImage(image, vae.Decode(latents, imageShape, cancellationToken)));
            vaeMs += Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }

        var timings = new GenerationTimings(tokenizeMs, textEncoderMs, unetMs, unetSteps == 0 ? 0 : unetMs / unetSteps, vaeMs,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new GenerationResult(images, timings, warnings);
    }

    /// <summary>
    /// 5. The denoising loop from iteration <paramref name="beginIndex"/> to the end, in place on <paramref name="latents"/>.
    /// </summary>
    /// <returns>The UNet's milliseconds and calls.</returns>
    private (double UnetMs, int UnetSteps) Denoise(IScheduler scheduler, int beginIndex, double[] latents, LatentShape latentShape,
        INoiseGenerator generator, EncoderHiddenStates encoderHiddenStates, double guidanceScale, StepCounter steps, CancellationToken cancellationToken)
    {
        double unetMs = 0;
        var timesteps = scheduler.Timesteps;
        var latentModelInput = new double[latentShape.Length];
        var noisePred = new double[latentShape.Length];
        for (var stepIndex = beginIndex; stepIndex < timesteps.Count; stepIndex++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // 5a. Scale the input (σ-scaled for Euler/LMS, identity for DDIM/PNDM).
            scheduler.ScaleModelInput(latents, stepIndex, latentModelInput);

            // 5b–c. UNet on [uncond, cond], then classifier-free guidance.
            var clock = Stopwatch.GetTimestamp();
            PredictGuidedNoise(latentModelInput, latentShape, timesteps[stepIndex], encoderHiddenStates, guidanceScale, noisePred, cancellationToken);
            unetMs += Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

            // 5d. Scheduler step: x_t → x_{t−1}, with this image's generator for ancestral noise.
            var predictedOriginal = scheduler.Step(noisePred, stepIndex, latents, generator);

            // 5e. Report progress, with a preview of the predicted clean image.
            steps.Report(step => Preview(predictedOriginal, step, latentShape, cancellationToken));
        }

        return (unetMs, timesteps.Count - beginIndex);
    }

    /// <summary>The image's initial noise (A1111's ImageRNG.first) for a latent of <paramref name="shape"/>.</summary>
    private float[] InitialNoise(GenerationSettings image, LatentShape shape, INoiseGenerator generator)
    {
        LatentShape? resizeFrom = image.SeedResizeFromWidth > 0 && image.SeedResizeFromHeight > 0
            ? shape with { Height = image.SeedResizeFromHeight / model.VaeScaleFactor, Width = image.SeedResizeFromWidth / model.VaeScaleFactor }
            : null;
        return ImageNoise.First(generator, shape, image.NoiseSource, image.Seed, image.VariationSeed, image.VariationStrength, resizeFrom);
    }

    /// <summary>Counts one image's steps over both passes and reports each to <see cref="IProgress{T}"/>.</summary>
    private sealed class StepCounter(int imageIndex, int imageCount, int totalSteps, long started, IProgress<StepProgress>? progress)
    {
        private int step;

        /// <param name="preview">Makes the step's preview; called only when someone listens.</param>
        public void Report(Func<int, RgbImage?> preview)
        {
            step++;
            progress?.Report(new StepProgress(imageIndex, imageCount, step, totalSteps, Stopwatch.GetElapsedTime(started), preview(step)));
        }
    }

    /// <summary>
    /// The guided noise prediction of one step: the UNet on every prompt of <paramref name="encoderHiddenStates"/> (one batched
    /// call, or one call per prompt when their lengths or the graph's batch axis say so), then
    /// noise = uncond + g·(cond − uncond) when there is a negative half.
    /// </summary>
    private void PredictGuidedNoise(double[] latentModelInput, LatentShape latentShape, double timestep, EncoderHiddenStates encoderHiddenStates,
        double guidanceScale, double[] noisePred, CancellationToken cancellationToken)
    {
        var prediction = model.Unet.Predict(latentModelInput, latentShape, timestep, encoderHiddenStates, cancellationToken);
        var guided = encoderHiddenStates.Prompts == 2;
        for (var i = 0; i < noisePred.Length; i++)
        {
            noisePred[i] = guided ? prediction[i] + guidanceScale * (prediction[noisePred.Length + i] - prediction[i]) : prediction[i];
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
