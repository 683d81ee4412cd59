using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Components;

/// <summary>
/// The denoising UNet (unet/model.onnx): the noise in a latent at a timestep, conditioned on text. Exporters disagree on
/// the timestep's type and rank, on whether the batch axis is dynamic and on whether the latent size is fixed; the
/// inputs are built here the way this graph declares them.
/// </summary>
public sealed class Unet
{
    /// <summary>4 latent channels, 1 mask channel and 4 masked-image latent channels (diffusers' StableDiffusionInpaintPipeline).</summary>
    private const int InpaintingChannels = 9;

    internal Unet(OnnxComponent graph)
    {
        Graph = graph;
        var sample = graph.Input("sample", OrtTensors.FloatTypes);
        SampleType = sample.ElementDataType;
        EncoderHiddenStatesType = graph.Input("encoder_hidden_states", OrtTensors.FloatTypes).ElementDataType;
        var timestep = graph.Input("timestep", TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Float, TensorElementType.Float16, TensorElementType.Double);
        if (timestep.Dimensions.Length > 1)
        {
            throw new ModelLoadException($"{graph.File} input 'timestep' has rank {timestep.Dimensions.Length}; expected a scalar, [1] or [batch].");
        }
        Timestep = TimestepInput.From(timestep);
        graph.Output("out_sample", OrtTensors.FloatTypes);
        graph.RejectInputsOtherThan("sample", "timestep", "encoder_hidden_states");
        FixedBatch = OnnxComponent.StaticDimension(sample, 0) == 1 ? 1 : null;
        FixedSequenceLength = OnnxComponent.StaticDimension(graph.Inputs["encoder_hidden_states"], 1);
        InChannels = OnnxComponent.StaticDimension(sample, 1) ?? 4;
        if (OnnxComponent.StaticDimension(sample, 2) is { } fixedHeight && OnnxComponent.StaticDimension(sample, 3) is { } fixedWidth)
        {
            FixedLatentSize = (fixedHeight, fixedWidth);
        }
    }

    /// <summary>Channels of the sample input: the latent's 4, or 9 for an inpainting UNet.</summary>
    public int InChannels { get; }

    /// <summary>Whether the UNet was trained for inpainting (9 input channels): it takes the mask and the masked image's latents too.</summary>
    public bool IsInpainting => InChannels == InpaintingChannels;

    /// <summary>Channels of the latents it denoises: 4 for an inpainting UNet, else all of <see cref="InChannels"/>.</summary>
    public int LatentChannels => IsInpainting ? InpaintingChannels - ConditioningChannels : InChannels;

    /// <summary>The mask (1) and the masked image's latents (4) an inpainting UNet takes after the latents.</summary>
    private const int ConditioningChannels = 5;

    /// <summary>Latent height and width when the graph fixes them (Olive's static-shape exports), else null.</summary>
    public (int Height, int Width)? FixedLatentSize { get; }

    /// <summary>
    /// The positions of text context the graph takes when its exporter fixed them (77: one prompt chunk), else null: a
    /// dynamic axis takes the 77·k positions of a prompt of k chunks.
    /// </summary>
    public int? FixedSequenceLength { get; }

    internal OnnxComponent Graph { get; }

    /// <summary>Device buffers bound once (Inference:UseIoBinding, CUDA only); null runs each call on fresh host values.</summary>
    internal UnetIoBinding? Binding { get; set; }

    internal TensorElementType SampleType { get; }

    internal TensorElementType EncoderHiddenStatesType { get; }

    internal TimestepInput Timestep { get; }

    /// <summary>1 when the batch axis is fixed at 1, so guidance needs two calls; else null (dynamic).</summary>
    internal int? FixedBatch { get; }

    /// <summary>
    /// The prompts' embeddings stacked on the batch axis in the UNet's element type, negative prompt first as diffusers'
    /// <c>torch.cat([negative_prompt_embeds, prompt_embeds])</c>; kept apart when the batch axis is fixed at 1, and when
    /// their lengths differ (a long prompt and a short negative prompt), as A1111's CFGDenoiser runs cond and uncond in
    /// separate calls rather than padding either.
    /// </summary>
    public EncoderHiddenStates PrepareEncoderHiddenStates(params IReadOnlyList<TextEmbeddings> prompts) => PrepareEncoderHiddenStates(1, prompts);

    /// <summary>
    /// As above for batches of <paramref name="images"/> latents: each prompt repeated once per image, as diffusers'
    /// <c>prompt_embeds.repeat(1, num_images_per_prompt, 1)</c>, so one call runs [uncond × images, cond × images]. A UNet
    /// whose batch axis is fixed at 1 gets one call per prompt and image instead.
    /// </summary>
    public EncoderHiddenStates PrepareEncoderHiddenStates(int images, IReadOnlyList<TextEmbeddings> prompts)
    {
        ArgumentOutOfRangeException.ThrowIfZero(prompts.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 1);
        var imagesPerCall = FixedBatch == 1 ? 1 : images;
        var separate = FixedBatch == 1 || prompts.Any(p => p.Tokens != prompts[0].Tokens);
        IReadOnlyList<TextEmbeddings>[] groups = separate ? [.. prompts.Select(p => new[] { p })] : [prompts];
        var calls = new List<(OrtValue, int)>();
        try
        {
            foreach (var group in groups)
            {
                calls.Add((Stack(group, imagesPerCall), group.Count));
            }
        }
        catch
        {
            calls.ForEach(call => call.Item1.Dispose());
            throw;
        }
        return new EncoderHiddenStates(prompts, images, imagesPerCall, calls);
    }

    /// <summary>
    /// The predicted noise of <paramref name="sample"/> at <paramref name="timestep"/> under each prompt of
    /// <paramref name="encoderHiddenStates"/>, concatenated in their order: the latent repeated once per prompt
    /// (diffusers' <c>torch.cat([latents] * 2)</c>) in one call, or one call per prompt for a batch fixed at 1.
    /// </summary>
    /// <param name="conditioning">
    /// For an inpainting UNet, the mask and masked-image latents (<see cref="InpaintingChannels"/> − 4 channels) joined after
    /// the latents on the channel axis, as diffusers' <c>torch.cat([latent_model_input, mask, masked_image_latents], dim=1)</c>.
    /// </param>
    public float[] Predict(ReadOnlySpan<double> sample, LatentShape shape, double timestep, EncoderHiddenStates encoderHiddenStates,
        CancellationToken cancellationToken, double[]? conditioning = null) =>
        Predict([sample.ToArray()], shape, timestep, encoderHiddenStates, cancellationToken, conditioning is null ? null : [conditioning]);

    /// <summary>
    /// The predicted noise of a batch of latents under each prompt, prompt-major as diffusers' <c>noise_pred.chunk(2)</c>
    /// reads it: [prompt 0: image 0…n−1, prompt 1: image 0…n−1]. The batch is cut into calls of
    /// <see cref="EncoderHiddenStates.ImagesPerCall"/> latents.
    /// </summary>
    /// <param name="conditioning">For an inpainting UNet, each latent's mask and masked-image latents (see the one-latent overload).</param>
    public float[] Predict(IReadOnlyList<double[]> samples, LatentShape shape, double timestep, EncoderHiddenStates encoderHiddenStates,
        CancellationToken cancellationToken, IReadOnlyList<double[]>? conditioning = null)
    {
        var images = samples.Count;
        var perCall = encoderHiddenStates.ImagesPerCall;
        if (samples.Any(s => s.Length != shape.Length))
        {
            throw new ArgumentException($"Expected latents of {shape.Length} values.", nameof(samples));
        }
        if (images % perCall != 0)
        {
            throw new ArgumentException($"A batch of {images} latents does not divide into UNet calls of {perCall}.", nameof(samples));
        }
        var plane = shape.Height * shape.Width;
        var extraChannels = InChannels - shape.Channels;
        if (conditioning?.Count != (extraChannels == 0 ? null : images) || conditioning?.Any(c => c.Length != extraChannels * plane) == true)
        {
            throw new ArgumentException(IsInpainting
                ? "This is an inpainting UNet: it needs a mask and an init image."
                : $"The UNet takes {InChannels} channels; got {shape.Channels} and conditioning that does not make up the rest.", nameof(conditioning));
        }
        // An inpainting UNet's input is each latent with its mask channels after it; its output is the latent's channels.
        var inputs = conditioning is null ? samples : [.. samples.Select((s, i) => (double[])[.. s, .. conditioning[i]])];
        var inputShape = shape with { Channels = InChannels };
        var prediction = new float[shape.Length * encoderHiddenStates.Prompts * images];
        var firstPrompt = 0;
        foreach (var (states, prompts) in encoderHiddenStates.Calls)
        {
            for (var firstImage = 0; firstImage < images; firstImage += perCall)
            {
                Run(inputs, firstImage, perCall, prompts, inputShape, timestep, states, cancellationToken,
                    prediction, firstPrompt, images, shape.Length);
            }
            firstPrompt += prompts;
        }
        return prediction;
    }

    /// <summary>
    /// One UNet call on <paramref name="images"/> latents from <paramref name="firstImage"/> under <paramref name="prompts"/>
    /// prompts from <paramref name="firstPrompt"/>; its output, [prompt][image], goes block by block to its place in the
    /// batch's <paramref name="prediction"/> of <paramref name="batchImages"/> latents per prompt.
    /// </summary>
    /// <remarks>
    /// At 512² the sample and output are 128 KB each a call: the sample is written once as the model's floats into a pooled
    /// buffer and the output is read in place, so a step leaves no large arrays behind for the garbage collector.
    /// </remarks>
    private void Run(IReadOnlyList<double[]> samples, int firstImage, int images, int prompts, LatentShape shape, double timestep,
        OrtValue encoderHiddenStates, CancellationToken cancellationToken, float[] prediction, int firstPrompt, int batchImages, int latentLength)
    {
        var batch = prompts * images;
        var rented = ArrayPool<float>.Shared.Rent(shape.Length * batch);
        try
        {
            var batched = rented.AsSpan(0, shape.Length * batch);
            for (var p = 0; p < prompts; p++)
            {
                for (var i = 0; i < images; i++)
                {
                    OrtTensors.Narrow(samples[firstImage + i], batched.Slice((p * images + i) * shape.Length, shape.Length));
                }
            }
            using var sampleValue = OrtTensors.FromPooledFloats(SampleType, rented, batched.Length, [batch, shape.Channels, shape.Height, shape.Width]);
            Run(sampleValue, timestep, batch, encoderHiddenStates, cancellationToken, output =>
            {
                for (var p = 0; p < prompts; p++)
                {
                    output.Slice(p * images * latentLength, images * latentLength)
                        .CopyTo(prediction.AsSpan(((firstPrompt + p) * batchImages + firstImage) * latentLength));
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Reads a UNet call's output where it lies, valid only during the call to the reader.</summary>
    internal delegate void OutputReader(ReadOnlySpan<float> output);

    /// <summary>
    /// One UNet call on a batch of <paramref name="batch"/> samples already in the graph's layout, through the IO binding
    /// when there is one; <paramref name="read"/> takes the output in place.
    /// </summary>
    internal void Run(OrtValue sample, double timestep, int batch, OrtValue encoderHiddenStates, CancellationToken cancellationToken, OutputReader read)
    {
        using var timestepValue = Timestep.Create(timestep, batch);
        if (Binding is { } binding)
        {
            read(OrtTensors.AsFloats(binding.Run(sample, timestepValue, encoderHiddenStates, cancellationToken)));
            return;
        }
        var inputs = new Dictionary<string, OrtValue>
        {
            ["sample"] = sample,
            ["timestep"] = timestepValue,
            ["encoder_hidden_states"] = encoderHiddenStates,
        };
        using var outputs = Graph.Run(inputs, "out_sample", cancellationToken);
        read(OrtTensors.AsFloats(outputs[0]));
    }

    /// <summary>The prompts' embeddings, each repeated <paramref name="images"/> times, stacked on the batch axis in the UNet's element type.</summary>
    internal OrtValue Stack(IReadOnlyList<TextEmbeddings> prompts, int images = 1)
    {
        var first = prompts[0];
        var length = first.Values.Length;
        var stacked = new float[length * prompts.Count * images];
        for (var i = 0; i < prompts.Count * images; i++)
        {
            prompts[i / images].Values.CopyTo(stacked, i * length);
        }
        return OrtTensors.FromFloats(EncoderHiddenStatesType, stacked, [prompts.Count * images, first.Tokens, first.HiddenSize]);
    }
}
