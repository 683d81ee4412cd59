using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// The bare ONNX calls a txt2img <see cref="StableDiffusionPipeline.Generate"/> makes, on the same sessions, with the same
/// shapes, element types and count: the text encoder once per prompt chunk, the UNet per step and per call of the CFG
/// batch, the VAE decoder once per image. Every input is built before the clock starts and every output is dropped, so
/// no scheduler maths, conversion or image work is timed: what the pipeline costs above this is its own overhead. The
/// text encoder's calls can be left out, as the pipeline makes none for a prompt it finds in its cache.
/// </summary>
public sealed class OnnxFloor : IDisposable
{
    private readonly StableDiffusionModel model;
    private readonly List<OrtValue> textEncoderInputs = [];
    private readonly List<(OrtValue[] Timesteps, OrtValue Sample, OrtValue States)> unetCalls = [];
    private readonly OrtValue vaeInput;
    private readonly int batches;
    private readonly int images;
    private readonly EncoderHiddenStates encoderHiddenStates;

    private OnnxFloor(StableDiffusionModel model, GenerationSettings settings)
    {
        this.model = model;
        var guided = settings.GuidanceScale > 1.0;
        var (prompt, negative) = PromptConditioning.Chunk(model.Tokenizer, settings, guided);
        foreach (var chunk in negative is null ? prompt.Chunks : [.. prompt.Chunks, .. negative.Chunks])
        {
            textEncoderInputs.Add(TextEncoderInput(chunk.Tokens));
        }
        // The text context the UNet takes, made by the pipeline's own code so its calls per step and batch shapes match.
        encoderHiddenStates = PromptConditioning.Encode(model, prompt, negative, settings, [], out var padded, CancellationToken.None);
        if (padded)
        {
            textEncoderInputs.Add(TextEncoderInput(PromptChunker.Chunk(model.Tokenizer, "").Chunks[0].Tokens));
        }

        var scheduler = SchedulerFactory.Create(settings.Scheduler, model.SchedulerConfig);
        scheduler.SetTimesteps(settings.Steps);
        var unet = model.Unet;
        var latent = new LatentShape(model.LatentChannels, settings.Height / model.VaeScaleFactor, settings.Width / model.VaeScaleFactor);
        var random = new Random(0);
        foreach (var (states, prompts) in encoderHiddenStates.Calls)
        {
            var batch = prompts * encoderHiddenStates.ImagesPerCall;
            var sample = Noise(random, latent.Length / latent.Channels * unet.InChannels * batch);
            unetCalls.Add((
                [.. scheduler.Timesteps.Select(t => unet.Timestep.Create(t, batch))],
                OrtTensors.FromDoubles(unet.SampleType, sample, [batch, unet.InChannels, latent.Height, latent.Width]),
                states));
        }
        var vae = model.VaeDecoder;
        vaeInput = OrtTensors.FromDoubles(vae.LatentSampleType, Noise(random, latent.Length), [1, latent.Channels, latent.Height, latent.Width]);
        batches = settings.BatchCount;
        images = settings.ImageCount;
        CallsPerStep = encoderHiddenStates.CallsPerStep;
    }

    /// <summary>UNet calls per denoising step of a batch, as the pipeline makes them.</summary>
    public int CallsPerStep { get; }

    /// <summary>The calls for txt2img <paramref name="settings"/>; img2img, inpainting and hires fix are not covered.</summary>
    public static OnnxFloor Prepare(StableDiffusionModel model, GenerationSettings settings)
    {
        if (settings.InitImage is not null || settings.Mask is not null || settings.EnableHires)
        {
            throw new ArgumentException("The floor covers txt2img only: no init image, mask or hires fix.", nameof(settings));
        }
        return new OnnxFloor(model, settings);
    }

    /// <summary>Makes every call once, in the pipeline's order, and times each component's share.</summary>
    /// <param name="encodePrompt">Whether to make the text encoder's calls: false where the pipeline took the prompt from its cache.</param>
    public FloorTimings Run(bool encodePrompt = true, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var ids in encodePrompt ? textEncoderInputs : [])
        {
            using var _ = model.TextEncoder.Graph.Run(new Dictionary<string, OrtValue> { ["input_ids"] = ids }, "last_hidden_state", cancellationToken);
        }
        var textEncoderMs = encodePrompt ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : 0;

        var clock = Stopwatch.GetTimestamp();
        var steps = unetCalls[0].Timesteps.Length;
        for (var batch = 0; batch < batches; batch++)
        {
            for (var step = 0; step < steps; step++)
            {
                foreach (var (timesteps, sample, states) in unetCalls)
                {
                    for (var call = 0; call < encoderHiddenStates.Images / encoderHiddenStates.ImagesPerCall; call++)
                    {
                        var inputs = new Dictionary<string, OrtValue> { ["sample"] = sample, ["timestep"] = timesteps[step], ["encoder_hidden_states"] = states };
                        using var _ = model.Unet.Graph.Run(inputs, "out_sample", cancellationToken);
                    }
                }
            }
        }
        var unetMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;

        clock = Stopwatch.GetTimestamp();
        for (var image = 0; image < images; image++)
        {
            using var _ = model.VaeDecoder.Graph.Run(new Dictionary<string, OrtValue> { ["latent_sample"] = vaeInput }, "sample", cancellationToken);
        }
        var vaeMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        return new FloorTimings(textEncoderMs, unetMs, vaeMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds)
        {
            UnetCalls = batches * steps * CallsPerStep,
        };
    }

    public void Dispose()
    {
        textEncoderInputs.ForEach(value => value.Dispose());
        foreach (var (timesteps, sample, _) in unetCalls)
        {
            Array.ForEach(timesteps, value => value.Dispose());
            sample.Dispose();
        }
        vaeInput.Dispose();
        encoderHiddenStates.Dispose();
    }

    private OrtValue TextEncoderInput(int[] tokens)
    {
        var ids = (int[])tokens.Clone();
        var padId = model.Tokenizer.PadId;
        if (padId != ClipTokenizer.EosId)
        {
            var eos = Array.IndexOf(ids, ClipTokenizer.EosId);
            Array.Fill(ids, padId, eos + 1, ids.Length - eos - 1);
        }
        return OrtTensors.FromIds(model.TextEncoder.InputIdsType, ids, [1, ids.Length]);
    }

    /// <summary>Values in [−1, 1]: the calls' cost does not depend on the numbers, only on shapes and types.</summary>
    private static double[] Noise(Random random, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.NextDouble() * 2 - 1;
        }
        return values;
    }
}
