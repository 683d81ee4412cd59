namespace StableDiffusion.Inference.Prompting;

/// <summary>How token weights change the text encoder's output: A1111's "Emphasis mode" setting (modules/sd_emphasis.py).</summary>
public enum EmphasisMode
{
    /// <summary>A1111's default: multiply each token's hidden state by its weight, then rescale the chunk to its original mean.</summary>
    Original,

    /// <summary>Multiply by the weights without rescaling (A1111's "No norm").</summary>
    NoNorm,

    /// <summary>No parsing: brackets and BREAK are ordinary text and every weight is 1 (A1111's "None").</summary>
    None,
}
