namespace StableDiffusion.Inference.Pipeline;

/// <summary>What a standalone component folder under models/ holds.</summary>
public enum ComponentKind
{
    /// <summary>vae_decoder/ (and optionally vae_encoder/).</summary>
    Vae,

    /// <summary>text_encoder/ and tokenizer/.</summary>
    TextEncoder,
}
