using System.Diagnostics;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Imaging;
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
        var initLatents = settings.InitImage is null ? null : EncodeInitImage(settings, cancellationToken);

        var images = new List<GeneratedImage>();
        double unetMs = 0, vaeMs = 0;
        int unetSteps = 0, unetCalls = 0;
        for (var batchIndex = 0; batchIndex < settings.BatchCount; batchIndex++)
        {
            // A1111 clears state.skipped as each batch begins: a skip counts for the batch it arrives in (one that arrives
            // while the prompts are encoded counts for the first).
            if (batchIndex > 0)
            {
                skip?.Clear();
            }
            var firstImage = batchIndex * settings.BatchSize;

            // 4. Initial latents, each image from its own seed's generator (A1111 slices all_seeds batch_size at a time).
            var batch = Enumerable.Range(firstImage, settings.BatchSize)
                .Select(index => BatchImage.Start(job.ForImage(index), model, latentShape, initLatents))
                .ToList();

            // 5. The denoising loop, the batch's latents in one UNet call per step.
            var (timesteps, beginIndex) = (batch[0].Scheduler.Timesteps, batch[0].BeginIndex);
            var totalSteps = timesteps.Count - beginIndex;
            var skipped = false;
            for (var stepIndex = beginIndex; stepIndex < timesteps.Count; stepIndex++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (skip?.IsRequested == true)
                {
                    skipped = true;
                    warnings.Add(SkippedWarning(firstImage, settings.BatchSize, stepIndex - beginIndex, totalSteps));
                    break;
                }

                // 5a. Scale the input (σ-scaled for Euler/LMS, identity for DDIM/PNDM).
                foreach (var image in batch)
                {
                    image.Scheduler.ScaleModelInput(image.Latents, stepIndex, image.ModelInput);
                }

                // 5b–c. UNet on [uncond × N, cond × N], then classifier-free guidance.
                clock = Stopwatch.GetTimestamp();
                PredictGuidedNoise(batch, latentShape, timesteps[stepIndex], encoderHiddenStates, settings.GuidanceScale, cancellationToken);
                unetMs += Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
                unetSteps++;
                unetCalls += encoderHiddenStates.CallsPerStep;

                // 5d. Scheduler step: x_t → x_{t−1}, each image with its own generator for ancestral noise.
                foreach (var image in batch)
                {
                    image.PredictedOriginal = image.Scheduler.Step(image.NoisePrediction, stepIndex, image.Latents, image.Generator);
                }

                // 5e. Report progress, with a preview of the batch's first image's predicted clean image.
                if (progress is not null)
                {
                    var step = stepIndex - beginIndex + 1;
                    progress.Report(new StepProgress(firstImage, settings.ImageCount, step, totalSteps, Stopwatch.GetElapsedTime(started),
                        Preview(batch[0].PredictedOriginal!, step, latentShape, cancellationToken), settings.BatchSize));
                }
            }

            // 6. VAE decode, one image at a time as diffusers' ONNX pipeline does. A skipped batch decodes the last step's
            // prediction of the clean image, as A1111's samplers return their last "denoised" when interrupted.
            foreach (var image in batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                clock = Stopwatch.GetTimestamp();
                var latents = skipped && image.PredictedOriginal is { } clean ? clean : image.Latents;
                images.Add(new GeneratedImage(image.Settings, vae.Decode(latents, latentShape, cancellationToken)) { BatchPosition = images.Count % settings.BatchSize });
                vaeMs += Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
            }
        }

        var timings = new GenerationTimings(tokenizeMs, textEncoderMs, unetMs, unetSteps == 0 ? 0 : unetMs / unetSteps, vaeMs,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds)
        {
            UnetCalls = unetCalls,
            Images = images.Count,
        };
        return new GenerationResult(images, timings, warnings);
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
        var prediction = model.Unet.Predict(batch.Select(i => i.ModelInput).ToList(), latentShape, timestep, encoderHiddenStates, cancellationToken);
        var guided = encoderHiddenStates.Prompts == 2;
        var length = latentShape.Length;
        for (var b = 0; b < batch.Count; b++)
        {
            // Prompt-major: [uncond: image 0…N−1, cond: image 0…N−1], or the prompt's alone.
            var cond = prediction.AsSpan(((guided ? batch.Count : 0) + b) * length, length);
            var uncond = guided ? prediction.AsSpan(b * length, length) : cond;
            var noisePred = batch[b].NoisePrediction;
            for (var i = 0; i < noisePred.Length; i++)
            {
                noisePred[i] = guided ? uncond[i] + guidanceScale * (cond[i] - uncond[i]) : cond[i];
            }
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
}
