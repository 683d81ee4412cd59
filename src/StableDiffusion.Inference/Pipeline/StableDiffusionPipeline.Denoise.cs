using System.Diagnostics;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.StepCaching;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>The denoising loop, over one job's batch or several jobs' batches in one UNet call per step.</summary>
public sealed partial class StableDiffusionPipeline
{
    /// <summary>
    /// 5. The denoising loop over the jobs' current batches, in place on each image's latents. At each step the images that
    /// step run in one UNet call (one per prompt length when the prompts' chunk counts differ), each under its own prompts,
    /// then each takes its own guidance and scheduler step; an image joins at its scheduler's begin index (img2img and
    /// inpainting start later). The jobs share the latent size and the schedule (<see cref="SharedBatchKey"/>).
    /// Step caching (Speed: Fast): each image decides on its own whether a step runs the UNet, so an image made in a batch
    /// is the image made alone; those that skip keep their last noise prediction, which the scheduler takes as if computed
    /// (a multistep scheduler's history stays consistent).
    /// A cancelled job leaves with its cancellation at the next step (a call in flight is stopped only when every job in it
    /// was cancelled); a skipped one leaves its batch where it is (<see cref="JobRun.Skipped"/>).
    /// </summary>
    private void Denoise(List<JobRun> jobs)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        var latentShape = jobs[0].ImageShape;
        var timesteps = jobs[0].Batch[0].Scheduler.Timesteps;
        foreach (var job in jobs)
        {
            foreach (var image in job.Batch)
            {
                image.Skipper = new StepSkipper(job.Cache, image.BeginIndex, timesteps.Count - 1);
                image.Skipper.Observe(image.Latents);
            }
        }
        using var unet = new UnetRows(model.Unet);
        for (var stepIndex = jobs.Min(job => job.BeginIndex); stepIndex < timesteps.Count && jobs.Count > 0; stepIndex++)
        {
            foreach (var job in jobs.ToList())
            {
                if (job.CancellationToken.IsCancellationRequested)
                {
                    job.Fail(new OperationCanceledException(job.CancellationToken));
                    jobs.Remove(job);
                }
                else if (job.Request.Skip?.IsRequested == true)
                {
                    job.Skipped = true;
                    job.Warnings.Add(SkippedWarning(job.FirstImage, job.Settings.BatchSize, job.Steps!.Done, job.Steps.Total));
                    jobs.Remove(job);
                }
            }
            var stepping = jobs.Where(job => job.BeginIndex <= stepIndex).ToList();

            // 5a. Scale the input (σ-scaled for Euler/LMS/Heun; the ᾱ samplers and DPM++ give the UNet the latents as they are).
            foreach (var image in stepping.SelectMany(job => job.Batch).Where(image => image.ModelInput != image.Latents))
            {
                image.Scheduler.ScaleModelInput(image.Latents, stepIndex, image.ModelInput);
            }

            // 5b–c. The UNet on the images that do not reuse their last prediction, each under [negative prompt, prompt] (the
            //       prompt alone without guidance or once it is truncated), then each image's own classifier-free guidance, read
            //       from the call's output where it lies (the UNet's time counts it: a few microseconds a step).
            var evaluated = stepping.SelectMany(job => job.Batch.Where(image => image.Skipper!.ShouldEvaluate(stepIndex))
                .Select(image => (Job: job, Image: image, Contexts: job.ContextsAt(stepIndex, timesteps.Count)))).ToList();
            if (evaluated.Count > 0)
            {
                // Prompt-major, as diffusers' torch.cat([negative_prompt_embeds, prompt_embeds]): every image's first context, then the second ones.
                UnetRows.Row[] rows =
                [
                    .. evaluated.Select(e => new UnetRows.Row(e.Image.ModelInput, e.Contexts[0], e.Image.Inpaint?.UnetConditioning)),
                    .. evaluated.Where(e => e.Contexts.Count == 2).Select(e => new UnetRows.Row(e.Image.ModelInput, e.Contexts[1], e.Image.Inpaint?.UnetConditioning)),
                ];
                var clock = Stopwatch.GetTimestamp();
                int calls;
                try
                {
                    using var everyoneCancelled = new EveryoneCancelled([.. jobs]);
                    calls = unet.Predict(rows, latentShape, timesteps[stepIndex], everyoneCancelled.Token, predictions => GuideEach(evaluated, predictions, latentShape.Length));
                }
                catch (Exception error)
                {
                    jobs.ForEach(job => job.Fail(error is OperationCanceledException ? new OperationCanceledException(job.CancellationToken) : error));
                    return;
                }
                var milliseconds = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

                foreach (var job in evaluated.GroupBy(e => e.Job))
                {
                    job.Key.Tally.Add(milliseconds, calls, job.Count());
                }
            }

            foreach (var job in stepping)
            {
                // 5d. Scheduler step: x_t → x_{t−1}, each image with its own generator for ancestral noise.
                foreach (var image in job.Batch)
                {
                    image.PredictedOriginal = image.Scheduler.Step(image.NoisePrediction, stepIndex, image.Latents, image.Generator);
                    image.Inpaint?.Blend(image.Latents, stepIndex);
                    image.Skipper!.Observe(image.Latents);
                }

                // 5e. Each job's own progress, with a preview of its batch's first image's predicted clean image.
                job.Attempt(() => job.Steps!.Report(step => Preview(job.Batch[0].PredictedOriginal!, step, latentShape, job.CancellationToken)));
            }
            jobs.RemoveAll(job => job.Error is not null);
        }
    }

    /// <summary>
    /// Each evaluated image's own classifier-free guidance from the step's predictions, laid out as the rows were: every
    /// image's first context (the negative prompt, or the prompt alone), then the prompt rows of the guided ones.
    /// </summary>
    private static void GuideEach(List<(JobRun Job, BatchImage Image, IReadOnlyList<TextEmbeddings> Contexts)> evaluated, ReadOnlySpan<float> predictions, int length)
    {
        var promptRow = evaluated.Count;
        for (var e = 0; e < evaluated.Count; e++)
        {
            var (job, image, contexts) = evaluated[e];
            var guided = contexts.Count == 2;
            var cond = guided ? promptRow++ : e;
            Guide(predictions.Slice(e * length, length), predictions.Slice(cond * length, length), guided, job.Settings.GuidanceScale, image.NoisePrediction);
        }
    }

    /// <summary>
    /// 7. VAE decode of a job's batch, one image at a time as diffusers' ONNX pipeline does. A skipped batch decodes the last
    /// step's prediction of the clean image, as A1111's samplers return their last "denoised" when interrupted.
    /// </summary>
    private void Decode(JobRun job) => job.Attempt(() =>
    {
        foreach (var image in job.Batch)
        {
            job.CancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.GetTimestamp();
            var latents = job.Skipped && image.PredictedOriginal is { } clean ? clean : image.Latents;
            var decoded = model.VaeDecoder.Decode(latents, job.ImageShape, job.CancellationToken);
            job.Images.Add(new GeneratedImage(image.Settings, image.Inpaint?.PasteBack(decoded) ?? decoded) { BatchPosition = job.Images.Count % job.Settings.BatchSize });
            job.VaeMs += Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }
        job.Finished = Stopwatch.GetTimestamp();
    });

    /// <summary>Stops a UNet call in flight only when every job in it was cancelled: the others still want its output.</summary>
    private sealed class EveryoneCancelled : IDisposable
    {
        private readonly CancellationTokenSource source = new();
        private readonly List<CancellationTokenRegistration> registrations = [];

        public EveryoneCancelled(IReadOnlyList<JobRun> jobs)
        {
            foreach (var job in jobs)
            {
                registrations.Add(job.CancellationToken.Register(() =>
                {
                    if (jobs.All(j => j.CancellationToken.IsCancellationRequested))
                    {
                        source.Cancel();
                    }
                }));
            }
        }

        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            // Unregistering waits for a callback in progress, so none runs on a disposed source.
            registrations.ForEach(registration => registration.Dispose());
            source.Dispose();
        }
    }

    /// <summary>
    /// One job on its way, alone or in a shared batch: what <see cref="Join"/> prepared once (its contexts, init image,
    /// mask, step caching), its current batch, its images, warnings and timings, and the error that ended it, if any.
    /// </summary>
    private sealed class JobRun(int index, GenerationRequest request, GenerationSettings settings, long started)
    {
        public int Index => index;

        public GenerationRequest Request => request;

        /// <summary>The request's settings with its seeds resolved.</summary>
        public GenerationSettings Settings => settings;

        public CancellationToken CancellationToken => request.CancellationToken;

        /// <summary>The first pass's latent size.</summary>
        public required LatentShape LatentShape { get; init; }

        /// <summary>The UNet's text contexts: [negative prompt, prompt] with guidance, else [prompt].</summary>
        public required IReadOnlyList<TextEmbeddings> Contexts { get; init; }

        public required StepCacheOptions Cache { get; init; }

        public InpaintingSetup? Inpainting { get; init; }

        /// <summary>img2img's encoded init image; null for txt2img and inpainting (whose init latents are the mask's).</summary>
        public double[]? InitLatents { get; init; }

        public HiresFix? Hires { get; init; }

        /// <summary>The hires pass's steps, which progress counts from the first step.</summary>
        public int HiresSteps { get; init; }

        public required List<string> Warnings { get; init; }

        public double TokenizeMs { get; init; }

        public double TextEncoderMs { get; init; }

        /// <summary>The current pass's latent size: <see cref="LatentShape"/>, then hires fix's.</summary>
        public LatentShape ImageShape { get; set; }

        public List<BatchImage> Batch { get; set; } = [];

        /// <summary>The loop's first step for this job's images: 0 for txt2img, later for img2img.</summary>
        public int BeginIndex => Batch[0].BeginIndex;

        public int FirstImage { get; private set; }

        public StepCounter? Steps { get; private set; }

        /// <summary>Whether a skip ended the current batch early.</summary>
        public bool Skipped { get; set; }

        public List<GeneratedImage> Images { get; } = [];

        public UnetTally Tally { get; } = new();

        public double VaeMs { get; set; }

        public long? Finished { get; set; }

        public Exception? Error { get; private set; }

        /// <summary>The contexts loop iteration <paramref name="stepIndex"/> of <paramref name="count"/> runs: the prompt alone once step caching truncates guidance.</summary>
        public IReadOnlyList<TextEmbeddings> ContextsAt(int stepIndex, int count) =>
            Contexts.Count == 2 && Cache.DropsUnconditional(stepIndex, BeginIndex, count) ? [Contexts[^1]] : Contexts;

        /// <summary>4. The initial latents of batch <paramref name="round"/>, each image from its own seed's generator.</summary>
        public void BeginBatch(int round, Func<GenerationSettings, BatchImage> start)
        {
            // A1111 clears state.skipped as each batch begins: a skip counts for the batch it arrives in (one that arrives
            // while the prompts are encoded counts for the first).
            if (round > 0)
            {
                request.Skip?.Clear();
            }
            (Skipped, ImageShape, FirstImage) = (false, LatentShape, round * settings.BatchSize);
            Batch = [.. Enumerable.Range(FirstImage, settings.BatchSize).Select(i => start(settings.ForImage(i)))];
            Steps = new StepCounter(FirstImage, settings.ImageCount, settings.BatchSize, Batch[0].Scheduler.Timesteps.Count - BeginIndex + HiresSteps,
                started, request.Progress);
        }

        public void Fail(Exception error) => Error ??= error;

        /// <summary>Runs <paramref name="action"/> for this job alone: what it throws ends this job, not the batch.</summary>
        public void Attempt(Action action)
        {
            try
            {
                action();
            }
            catch (Exception error)
            {
                Fail(error);
            }
        }

        public GenerationOutcome Outcome()
        {
            if (Error is not null)
            {
                return GenerationOutcome.Failed(Error);
            }
            var timings = new GenerationTimings(TokenizeMs, TextEncoderMs, Tally.Milliseconds, Tally.Steps == 0 ? 0 : Tally.Milliseconds / Tally.Steps, VaeMs,
                Stopwatch.GetElapsedTime(started, Finished ?? Stopwatch.GetTimestamp()).TotalMilliseconds)
            {
                UnetCalls = Tally.Calls,
                UnetEvaluations = Tally.Evaluations,
                Images = Images.Count,
            };
            return GenerationOutcome.Succeeded(new GenerationResult(Images, timings, Warnings));
        }
    }
}
