namespace StableDiffusion.Inference.Onnx;

/// <summary>What an exported VAE encoder returns.</summary>
public enum VaeEncoderOutput
{
    /// <summary><c>latent_sample</c>, 4 channels, already sampled inside the graph (diffusers' export script).</summary>
    LatentSample,

    /// <summary><c>latent_parameters</c>, 8 channels: mean then log-variance (optimum's export).</summary>
    LatentParameters,
}
