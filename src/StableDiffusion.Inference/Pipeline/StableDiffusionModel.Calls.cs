using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Onnx;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>The four graph calls, each binding inputs by name in the element type and rank the graph declares.</summary>
public sealed partial class StableDiffusionModel
{
    /// <summary>text_encoder: [1, 77] token ids → last_hidden_state [1, 77, D] as float.</summary>
    internal float[] EncodeText(int[] ids, RunOptions runOptions)
    {
        using var input = OrtTensors.FromIds(InputIdsType, ids, [1, ids.Length]);
        using var outputs = TextEncoder.Run(runOptions, new Dictionary<string, OrtValue> { ["input_ids"] = input }, "last_hidden_state");
        return OrtTensors.ToFloats(outputs[0]);
    }

    /// <summary>
    /// unet: one call on <paramref name="batch"/> copies of the scaled latent with the matching text embeddings
    /// (uncond first, as diffusers' torch.cat([latents] * 2)); returns out_sample for the whole batch.
    /// </summary>
    internal float[] PredictNoise(ReadOnlySpan<double> scaledLatent, int batch, double timestep, OrtValue encoderHiddenStates, RunOptions runOptions, int height, int width)
    {
        var sample = new double[scaledLatent.Length * batch];
        for (var b = 0; b < batch; b++)
        {
            scaledLatent.CopyTo(sample.AsSpan(b * scaledLatent.Length));
        }
        using var sampleValue = OrtTensors.FromDoubles(UnetSampleType, sample, [batch, LatentChannels, height, width]);
        using var timestepValue = Timestep.Create(timestep, batch);
        var inputs = new Dictionary<string, OrtValue>
        {
            ["sample"] = sampleValue,
            ["timestep"] = timestepValue,
            ["encoder_hidden_states"] = encoderHiddenStates,
        };
        using var outputs = Unet.Run(runOptions, inputs, "out_sample");
        return OrtTensors.ToFloats(outputs[0]);
    }

    /// <summary>Text embeddings of <paramref name="count"/> prompts stacked on the batch axis, in the UNet's element type.</summary>
    internal OrtValue EncoderHiddenStates(IReadOnlyList<float[]> embeddings)
    {
        var length = embeddings[0].Length;
        var stacked = new float[length * embeddings.Count];
        for (var i = 0; i < embeddings.Count; i++)
        {
            embeddings[i].CopyTo(stacked, i * length);
        }
        var tokens = Tokenizer.MaxLength;
        return OrtTensors.FromFloats(EncoderHiddenStatesType, stacked, [embeddings.Count, tokens, length / tokens]);
    }

    /// <summary>vae_decoder on one latent (already divided by the scaling factor): [1, 3, H, W] in [-1, 1].</summary>
    internal (float[] Pixels, int Height, int Width) DecodeLatent(ReadOnlySpan<double> latent, int height, int width, RunOptions runOptions)
    {
        using var input = OrtTensors.FromDoubles(VaeDecoderInputType, latent, [1, LatentChannels, height, width]);
        using var outputs = VaeDecoder.Run(runOptions, new Dictionary<string, OrtValue> { ["latent_sample"] = input }, "sample");
        var shape = OrtTensors.Shape(outputs[0]);
        return (OrtTensors.ToFloats(outputs[0]), (int)shape[2], (int)shape[3]);
    }

    /// <summary>
    /// vae_encoder on one image [1, 3, H, W] in [-1, 1] → the latent's mean [1, C, h, w] (before scaling).
    /// For latent_parameters (mean ‖ log-variance) the mean is taken rather than a sample, so img2img depends on the
    /// seed only through the added noise; a latent_sample graph has drawn (or, for the fixtures, returned the mean) itself.
    /// </summary>
    internal float[] EncodeImage(float[] pixels, int height, int width, RunOptions runOptions)
    {
        var encoder = VaeEncoder ?? throw new InvalidOperationException($"Model '{Name}' has no vae_encoder.");
        using var input = OrtTensors.FromFloats(VaeEncoderInputType, pixels, [1, 3, height, width]);
        var outputName = VaeEncoderKind == VaeEncoderOutput.LatentParameters ? "latent_parameters" : "latent_sample";
        using var outputs = encoder.Run(runOptions, new Dictionary<string, OrtValue> { ["sample"] = input }, outputName);
        var values = OrtTensors.ToFloats(outputs[0]);
        var meanLength = LatentChannels * (height / VaeScaleFactor) * (width / VaeScaleFactor);
        return values.Length == meanLength ? values : values[..meanLength];
    }
}
