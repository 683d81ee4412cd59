namespace StableDiffusion.Inference.Pipeline;

/// <summary>How A1111 identifies a checkpoint: the SHA-256 of its weights (here unet/model.onnx), in lower-case hex.</summary>
public sealed record ModelHash(string Sha256)
{
    /// <summary>A1111's "Model hash": the first 10 hex digits.</summary>
    public string Short => Sha256[..10];
}
