using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Onnx;

namespace StableDiffusion.Inference.Components;

/// <summary>The VAE decoder (vae_decoder/model.onnx): a latent back to pixels.</summary>
public sealed class VaeDecoder
{
    internal VaeDecoder(OnnxComponent graph, float scalingFactor, int? configScaleFactor)
    {
        Graph = graph;
        var latent = graph.Input("latent_sample", OrtTensors.FloatTypes);
        LatentSampleType = latent.ElementDataType;
        var decoded = graph.Output("sample", OrtTensors.FloatTypes);
        ScalingFactor = scalingFactor;
        // Output size over input size when the graph fixes both; else diffusers' 2 ** (len(block_out_channels) - 1); else SD's 8.
        ScaleFactor = OnnxComponent.StaticDimension(latent, 3) is { } latentWidth && OnnxComponent.StaticDimension(decoded, 3) is { } imageWidth
            ? imageWidth / latentWidth
            : configScaleFactor ?? 8;
    }

    /// <summary>The VAE config's <c>scaling_factor</c>: latents are multiplied by it after encoding and divided by it before decoding.</summary>
    public float ScalingFactor { get; }

    /// <summary>Image pixels per latent pixel along each axis (8 for Stable Diffusion's VAE).</summary>
    public int ScaleFactor { get; }

    internal OnnxComponent Graph { get; }

    internal TensorElementType LatentSampleType { get; }

    /// <summary>
    /// A latent as the denoising loop holds it (scaled) → the image, as diffusers' <c>vae.decode(latents / scaling_factor)</c>
    /// then <c>postprocess</c>.
    /// </summary>
    public RgbImage Decode(ReadOnlySpan<double> latents, LatentShape shape, CancellationToken cancellationToken)
    {
        // Unscaled and narrowed to the model's floats in one pass, into a pooled buffer: at 512² the latents are 16 384 values.
        var rented = ArrayPool<float>.Shared.Rent(latents.Length);
        try
        {
            var unscaled = rented.AsSpan(0, latents.Length);
            for (var i = 0; i < latents.Length; i++)
            {
                unscaled[i] = (float)(latents[i] / ScalingFactor);
            }
            using var input = OrtTensors.FromPooledFloats(LatentSampleType, rented, latents.Length, [1, shape.Channels, shape.Height, shape.Width]);
            using var outputs = Graph.Run(new Dictionary<string, OrtValue> { ["latent_sample"] = input }, "sample", cancellationToken);
            var size = OrtTensors.Shape(outputs[0]);
            // fp32 is read where ONNX Runtime left it: a 512² image is 3 MB a copy would add.
            return ImageTensors.ToImage(OrtTensors.AsFloats(outputs[0]), (int)size[3], (int)size[2]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
