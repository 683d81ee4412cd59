using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using SixLabors.ImageSharp;

namespace StableDiffusion.Inference.Components;

/// <summary>The VAE encoder (vae_encoder/model.onnx): an image to its latent, for img2img.</summary>
public sealed class VaeEncoder
{
    private readonly float scalingFactor;
    private readonly int scaleFactor;
    private readonly int latentChannels;

    internal VaeEncoder(OnnxComponent graph, float scalingFactor, int scaleFactor, int latentChannels)
    {
        Graph = graph;
        (this.scalingFactor, this.scaleFactor, this.latentChannels) = (scalingFactor, scaleFactor, latentChannels);
        SampleType = graph.Input("sample", OrtTensors.FloatTypes).ElementDataType;
        Output = graph.Outputs.ContainsKey("latent_parameters") ? VaeEncoderOutput.LatentParameters
            : graph.Outputs.ContainsKey("latent_sample") ? VaeEncoderOutput.LatentSample
            : throw new ModelLoadException($"{graph.File} has neither output 'latent_sample' nor 'latent_parameters' (it declares: {string.Join(", ", graph.Outputs.Keys)}).");
    }

    public VaeEncoderOutput Output { get; }

    internal OnnxComponent Graph { get; }

    internal TensorElementType SampleType { get; }

    /// <summary>
    /// The image's latent as the denoising loop holds it: the encoder's mean times <c>scaling_factor</c>. For
    /// latent_parameters (mean ‖ log-variance) the mean is taken rather than a sample, so img2img depends on the seed only
    /// through the added noise; a latent_sample graph has drawn (or, for the test fixtures, returned the mean) itself.
    /// </summary>
    public double[] Encode(Image<Rgb24> image, CancellationToken cancellationToken) =>
        Encode(ImageTensors.ToTensor(image), image.Width, image.Height, cancellationToken);

    /// <inheritdoc cref="Encode(Image{Rgb24}, CancellationToken)"/>
    /// <param name="chw">3 × height × width values in [-1, 1], e.g. an inpainting UNet's masked image (masked pixels 0).</param>
    public double[] Encode(float[] chw, int width, int height, CancellationToken cancellationToken)
    {
        using var input = OrtTensors.FromFloats(SampleType, chw, [1, 3, height, width]);
        var outputName = Output == VaeEncoderOutput.LatentParameters ? "latent_parameters" : "latent_sample";
        using var outputs = Graph.Run(new Dictionary<string, OrtValue> { ["sample"] = input }, outputName, cancellationToken);
        var values = OrtTensors.ToFloats(outputs[0]);
        var meanLength = latentChannels * (height / scaleFactor) * (width / scaleFactor);
        var mean = values.Length == meanLength ? values : values[..meanLength];
        return [.. mean.Select(v => (double)v * scalingFactor)];
    }
}
