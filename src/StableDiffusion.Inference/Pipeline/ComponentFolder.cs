namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// A folder under models/ that holds one frozen part and no model: just <c>vae_decoder/</c> (+ <c>vae_encoder/</c>), or
/// just <c>text_encoder/</c> + <c>tokenizer/</c>. It is listed as a component, never as a model.
/// </summary>
public sealed record ComponentFolder(string Name, ComponentKind Kind, string Directory)
{
    /// <summary>The component folders of <paramref name="modelsDirectory"/>, in name order.</summary>
    public static IReadOnlyList<ComponentFolder> List(string modelsDirectory) =>
        System.IO.Directory.Exists(modelsDirectory)
            ? [.. System.IO.Directory.EnumerateDirectories(modelsDirectory).Order(StringComparer.Ordinal)
                .Select(d => KindOf(d) is { } kind ? new ComponentFolder(ModelFolder.NameOf(d), kind, Path.GetFullPath(d)) : null)
                .OfType<ComponentFolder>()]
            : [];

    /// <summary>The part a folder holds alone, or null for a model folder or anything else.</summary>
    public static ComponentKind? KindOf(string directory)
    {
        if (ModelFolder.IsModel(directory))
        {
            return null;
        }

        if (File.Exists(Path.Combine(directory, "vae_decoder", "model.onnx")))
        {
            return ComponentKind.Vae;
        }

        return File.Exists(Path.Combine(directory, "text_encoder", "model.onnx")) && System.IO.Directory.Exists(Path.Combine(directory, "tokenizer"))
            ? ComponentKind.TextEncoder
            : null;
    }
}
