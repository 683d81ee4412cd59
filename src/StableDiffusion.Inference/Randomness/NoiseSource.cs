namespace StableDiffusion.Inference.Randomness;

/// <summary>Which reference generator a seed reproduces.</summary>
public enum NoiseSource
{
    /// <summary>torch.randn with a CPU generator (mt19937), as diffusers on CPU.</summary>
    Torch,

    /// <summary>torch.randn on an NVIDIA GPU (Philox4x32-10), as AUTOMATIC1111's "NV" source.</summary>
    Philox,
}
