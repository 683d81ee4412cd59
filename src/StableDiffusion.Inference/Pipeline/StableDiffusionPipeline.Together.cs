using System.Diagnostics;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>Shared batches: several jobs' images in one UNet call per step.</summary>
public sealed partial class StableDiffusionPipeline
{
    /// <summary>
    /// Runs several txt2img jobs of one <see cref="SharedBatchKey"/> as one shared batch: every image of every request in
    /// one UNet call per step (one per prompt length when the prompts' chunk counts differ), each image under its own
    /// prompt and negative prompt, CFG scale, seed and generator, so every request gets the images <see cref="Generate"/>
    /// makes of it alone. A request's batches (batch count) are rounds: the first batch of every request steps together,
    /// then the second batch of those that have one, and so on. Each request reports its own progress; a cancelled request
    /// leaves at the next step (a call in flight is stopped only when every request in it was cancelled), and a skip ends
    /// that request's current batch only. Nothing one request does fails another: each outcome says how it ended.
    /// </summary>
    public IReadOnlyList<GenerationOutcome> GenerateTogether(IReadOnlyList<GenerationRequest> requests)
    {
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        var started = Stopwatch.GetTimestamp();
        var key = SharedBatchKey.Of(requests[0].Settings);
        var outcomes = new GenerationOutcome[requests.Count];
        var members = new List<SharedMember>();
        for (var index = 0; index < requests.Count; index++)
        {
            try
            {
                if (key is null || SharedBatchKey.Of(requests[index].Settings) != key)
                {
                    throw new ArgumentException("Only txt2img jobs of one model, size, step count and scheduler, without hires fix, can share a batch.", nameof(requests));
                }
                members.Add(Join(index, requests[index]));
            }
            catch (Exception error)
            {
                outcomes[index] = GenerationOutcome.Failed(error);
            }
        }

        if (key is not null)
        {
            var latentShape = new LatentShape(model.LatentChannels, key.Height / model.VaeScaleFactor, key.Width / model.VaeScaleFactor);
            for (var round = 0; ; round++)
            {
                var stepping = members.Where(m => m.Error is null && round < m.Settings.BatchCount).ToList();
                if (stepping.Count == 0)
                {
                    break;
                }
                foreach (var member in stepping)
                {
                    member.Attempt(() => member.BeginBatch(round, image => StartImage(image, latentShape, null, null), started));
                }
                DenoiseTogether([.. stepping.Where(m => m.Error is null)], latentShape);
            }
        }

        foreach (var member in members)
        {
            outcomes[member.Index] = member.Outcome(started);
        }
        return outcomes;
    }

    /// <summary>A request's seeds resolved, its settings checked and its prompts encoded (a cached prompt is not encoded again).</summary>
    private SharedMember Join(int index, GenerationRequest request)
    {
        var settings = request.Settings;
        Validate(settings);
        request.CancellationToken.ThrowIfCancellationRequested();
        var job = settings with
        {
            Seed = settings.Seed >= 0 ? settings.Seed : Random.Shared.NextInt64(0, uint.MaxValue),
            VariationSeed = settings.VariationSeed >= 0 || settings.VariationStrength == 0 ? settings.VariationSeed : Random.Shared.NextInt64(0, uint.MaxValue),
        };
        var member = new SharedMember(index, request, job);
        var clock = Stopwatch.GetTimestamp();
        var (prompt, negative) = PromptConditioning.Chunk(model.Tokenizer, settings, settings.GuidanceScale > 1.0);
        member.TokenizeMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        clock = Stopwatch.GetTimestamp();
        member.Contexts = PromptConditioning.EncodePrompts(model, prompt, negative, settings, member.Warnings, out var padded, request.CancellationToken);
        job.PadPrompts = padded;
        member.TextEncoderMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        return member;
    }

    /// <summary>5. The denoising loop over the members' current batches, as <see cref="Denoise"/> over one job's.</summary>
    private void DenoiseTogether(List<SharedMember> stepping, LatentShape latentShape)
    {
        if (stepping.Count == 0)
        {
            return;
        }

        var timesteps = stepping[0].Batch[0].Scheduler.Timesteps;
        for (var stepIndex = 0; stepIndex < timesteps.Count; stepIndex++)
        {
            // A cancelled member leaves with its cancellation; a skipped one decodes where it is and leaves its batch.
            foreach (var member in stepping.ToList())
            {
                if (member.CancellationToken.IsCancellationRequested)
                {
                    member.Fail(new OperationCanceledException(member.CancellationToken));
                    stepping.Remove(member);
                }
                else if (member.Request.Skip?.IsRequested == true)
                {
                    member.Warnings.Add(SkippedWarning(member.FirstImage, member.Settings.BatchSize, member.Steps!.Done, member.Steps.Total));
                    Decode(member, latentShape, skipped: true);
                    stepping.Remove(member);
                }
            }
            if (stepping.Count == 0)
            {
                return;
            }

            var images = stepping.SelectMany(m => m.Batch).ToList();
            foreach (var image in images)
            {
                image.Scheduler.ScaleModelInput(image.Latents, stepIndex, image.ModelInput);
            }

            // 5b–c. The UNet on every member's [uncond, cond] rows at once, then each image's own guidance.
            var rows = stepping.SelectMany(m => m.Batch.SelectMany(image => m.Contexts.Select(context => new UnetRows.Row(image.ModelInput, context)))).ToList();
            var clock = Stopwatch.GetTimestamp();
            float[][] predictions;
            int calls;
            try
            {
                using var everyoneCancelled = new EveryoneCancelled([.. stepping]);
                (predictions, calls) = UnetRows.Predict(model.Unet, rows, latentShape, timesteps[stepIndex], everyoneCancelled.Token);
            }
            catch (Exception error)
            {
                foreach (var member in stepping)
                {
                    member.Fail(error is OperationCanceledException ? new OperationCanceledException(member.CancellationToken) : error);
                }
                return;
            }
            var milliseconds = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

            var row = 0;
            foreach (var member in stepping)
            {
                member.Tally.Add(milliseconds, calls, member.Batch.Count);
                var guided = member.Contexts.Count == 2;
                foreach (var image in member.Batch)
                {
                    Guide(predictions[row], predictions[guided ? row + 1 : row], guided, member.Settings.GuidanceScale, image.NoisePrediction);
                    row += member.Contexts.Count;

                    // 5d. Scheduler step, each image with its own generator.
                    image.PredictedOriginal = image.Scheduler.Step(image.NoisePrediction, stepIndex, image.Latents, image.Generator);
                }

                // 5e. Each member's own progress, with a preview of its batch's first image.
                member.Attempt(() => member.Steps!.Report(step => Preview(member.Batch[0].PredictedOriginal!, step, latentShape, member.CancellationToken)));
            }
            stepping.RemoveAll(m => m.Error is not null);
        }

        foreach (var member in stepping)
        {
            Decode(member, latentShape, skipped: false);
        }
    }

    /// <summary>7. VAE decode of a member's batch, one image at a time; a skipped batch decodes its last prediction of the clean image.</summary>
    private void Decode(SharedMember member, LatentShape latentShape, bool skipped) => member.Attempt(() =>
    {
        foreach (var image in member.Batch)
        {
            member.CancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.GetTimestamp();
            var latents = skipped && image.PredictedOriginal is { } clean ? clean : image.Latents;
            var decoded = model.VaeDecoder.Decode(latents, latentShape, member.CancellationToken);
            member.Images.Add(new GeneratedImage(image.Settings, decoded) { BatchPosition = member.Images.Count % member.Settings.BatchSize });
            member.VaeMs += Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }
        member.Finished = Stopwatch.GetTimestamp();
    });

    /// <summary>Stops a UNet call in flight only when every member in it was cancelled: the others still want its output.</summary>
    private sealed class EveryoneCancelled : IDisposable
    {
        private readonly CancellationTokenSource source = new();
        private readonly List<CancellationTokenRegistration> registrations = [];

        public EveryoneCancelled(IReadOnlyList<SharedMember> stepping)
        {
            foreach (var member in stepping)
            {
                registrations.Add(member.CancellationToken.Register(() =>
                {
                    if (stepping.All(m => m.CancellationToken.IsCancellationRequested))
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

    /// <summary>One request of a shared batch on its way: its prompts' contexts, its current batch, its images and timings.</summary>
    private sealed class SharedMember(int index, GenerationRequest request, GenerationSettings settings)
    {
        public int Index => index;

        public GenerationRequest Request => request;

        /// <summary>The request's settings with its seeds resolved.</summary>
        public GenerationSettings Settings => settings;

        public CancellationToken CancellationToken => request.CancellationToken;

        /// <summary>The UNet's text contexts: [negative prompt, prompt] with guidance, else [prompt].</summary>
        public IReadOnlyList<TextEmbeddings> Contexts { get; set; } = [];

        public List<BatchImage> Batch { get; private set; } = [];

        public int FirstImage { get; private set; }

        public StepCounter? Steps { get; private set; }

        public List<GeneratedImage> Images { get; } = [];

        public List<string> Warnings { get; } = [];

        public UnetTally Tally { get; } = new();

        public double TokenizeMs { get; set; }

        public double TextEncoderMs { get; set; }

        public double VaeMs { get; set; }

        public long? Finished { get; set; }

        public Exception? Error { get; private set; }

        /// <summary>4. The initial latents of batch <paramref name="round"/>, each image from its own seed's generator.</summary>
        public void BeginBatch(int round, Func<GenerationSettings, BatchImage> start, long started)
        {
            // A skip counts for the batch it arrives in, as in Generate.
            if (round > 0)
            {
                request.Skip?.Clear();
            }
            FirstImage = round * settings.BatchSize;
            Batch = [.. Enumerable.Range(FirstImage, settings.BatchSize).Select(i => start(settings.ForImage(i)))];
            Steps = new StepCounter(FirstImage, settings.ImageCount, settings.BatchSize, Batch[0].Scheduler.Timesteps.Count - Batch[0].BeginIndex, started,
                request.Progress);
        }

        public void Fail(Exception error) => Error ??= error;

        /// <summary>Runs <paramref name="action"/> for this member alone: what it throws ends this member, not the batch.</summary>
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

        public GenerationOutcome Outcome(long started)
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
