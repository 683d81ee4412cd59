using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Clip;

/// <summary>
/// A CLIP model in the layout of an OpenAI CLIP ONNX export: <c>text_model.onnx</c> (input_ids → text_embeds),
/// <c>vision_model.onnx</c> (pixel_values → image_embeds), <c>tokenizer/</c> and <c>preprocessor_config.json</c>. Both
/// towers embed into one space; every vector it returns is L2-normalised.
/// </summary>
public sealed class ClipModel : IDisposable
{
    public const string TextModelFile = "text_model.onnx";
    public const string VisionModelFile = "vision_model.onnx";

    private readonly OnnxSessionFactory sessions;
    private readonly List<OnnxComponent> graphs = [];
    private OnnxComponent textModel = null!;
    private OnnxComponent visionModel = null!;
    private TensorElementType idsType;
    private TensorElementType pixelsType;
    private bool feedsAttentionMask;

    private ClipModel(string directory, OnnxSessionFactory sessions)
    {
        Directory = directory;
        Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        this.sessions = sessions;
    }

    public string Name { get; }

    public string Directory { get; }

    /// <summary>
    /// The folder name and the first 10 hex digits of the SHA-256 of both graphs: stored with every vector, so vectors of
    /// another model (or of other weights under the same name) are recognised and re-embedded.
    /// </summary>
    public string Id { get; private set; } = "";

    public int EmbeddingSize { get; private set; }

    public ClipImageProcessing ImageProcessing { get; private set; } = null!;

    public ClipTokenizer Tokenizer { get; private set; } = null!;

    /// <summary>
    /// Opens a CLIP folder. A folder that cannot serve as CLIP (a graph missing, a tensor of the wrong name, type or rank,
    /// towers of different embedding sizes, pixel_values not [batch, 3, H, W]) throws <see cref="ModelLoadException"/>
    /// with the reason.
    /// </summary>
    public static ClipModel Load(string directory, InferenceOptions options, ILogger? logger = null)
    {
        var model = new ClipModel(directory, OnnxSessionFactory.Create(options, logger ?? NullLogger.Instance));
        try
        {
            model.Open();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>A query text's unit vector (diffusers' single-sequence tokenization: 77 ids, longer text cut).</summary>
    public float[] EmbedText(string text, CancellationToken cancellationToken = default)
    {
        var ids = Tokenizer.Encode(text).Ids;
        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            inputs["input_ids"] = OrtTensors.FromIds(idsType, ids, [1, ids.Length]);
            if (feedsAttentionMask)
            {
                // transformers' padding="max_length" mask: ones through eos, zeros on the padding after it.
                var eos = Array.IndexOf(ids, ClipTokenizer.EosId);
                var mask = Enumerable.Range(0, ids.Length).Select(i => i <= eos ? 1 : 0).ToArray();
                inputs["attention_mask"] = OrtTensors.FromIds(AttentionMaskType(), mask, [1, ids.Length]);
            }

            return Embedding(textModel, inputs, "text_embeds", cancellationToken);
        }
        finally
        {
            foreach (var input in inputs.Values)
            {
                input.Dispose();
            }
        }
    }

    /// <summary>An image's unit vector, after <see cref="ImageProcessing"/>.</summary>
    public float[] EmbedImage(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        var pixels = ImageProcessing.ToPixelValues(image);
        using var input = OrtTensors.FromFloats(pixelsType, pixels, [1, 3, ImageProcessing.CropHeight, ImageProcessing.CropWidth]);
        return Embedding(visionModel, new Dictionary<string, OrtValue> { ["pixel_values"] = input }, "image_embeds", cancellationToken);
    }

    public void Dispose()
    {
        foreach (var graph in graphs)
        {
            graph.Dispose();
        }
        sessions.Dispose();
    }

    private static float[] Embedding(OnnxComponent graph, Dictionary<string, OrtValue> inputs, string output, CancellationToken cancellationToken)
    {
        using var outputs = graph.Run(inputs, output, cancellationToken);
        var vector = OrtTensors.ToFloats(outputs[0]);
        ClipVectors.Normalize(vector);
        return vector;
    }

    private void Open()
    {
        textModel = OpenGraph(TextModelFile);
        visionModel = OpenGraph(VisionModelFile);

        idsType = textModel.Input("input_ids", TensorElementType.Int32, TensorElementType.Int64).ElementDataType;
        feedsAttentionMask = textModel.Inputs.ContainsKey("attention_mask");
        if (feedsAttentionMask)
        {
            textModel.Input("attention_mask", TensorElementType.Int32, TensorElementType.Int64);
        }
        RejectInputsOtherThan(textModel, "input_ids", "attention_mask");
        var textSize = EmbeddingWidth(textModel, "text_embeds");

        var pixels = visionModel.Input("pixel_values", OrtTensors.FloatTypes);
        pixelsType = pixels.ElementDataType;
        if (pixels.Dimensions.Length != 4 || pixels.Dimensions[1] != 3)
        {
            throw new ModelLoadException($"{Name}: {VisionModelFile} pixel_values is [{Dimensions(pixels)}]; a CLIP vision tower takes [batch, 3, H, W].");
        }
        RejectInputsOtherThan(visionModel, "pixel_values");
        var imageSize = EmbeddingWidth(visionModel, "image_embeds");
        if (textSize != imageSize)
        {
            throw new ModelLoadException($"{Name}: text_embeds has {textSize} dimensions but image_embeds has {imageSize}; the two towers do not embed into one space.");
        }
        EmbeddingSize = textSize;

        ImageProcessing = ClipImageProcessing.Read(Directory);
        var (height, width) = (OnnxComponent.StaticDimension(pixels, 2), OnnxComponent.StaticDimension(pixels, 3));
        if ((height is { } h && h != ImageProcessing.CropHeight) || (width is { } w && w != ImageProcessing.CropWidth))
        {
            throw new ModelLoadException($"{Name}: {ClipImageProcessing.FileName} crops {ImageProcessing.CropWidth}×{ImageProcessing.CropHeight} but pixel_values is [{Dimensions(pixels)}].");
        }

        var tokenizer = Path.Combine(Directory, "tokenizer");
        Tokenizer = System.IO.Directory.Exists(tokenizer)
            ? ClipTokenizer.Load(tokenizer)
            : throw new ModelLoadException($"{Name} has no tokenizer/ folder.");
        Id = $"{Name}:{GraphsHash()}";
    }

    private OnnxComponent OpenGraph(string file)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{Name} has no {file}: a CLIP folder needs {TextModelFile} and {VisionModelFile}.");
        }

        var graph = new OnnxComponent(Path.GetFileNameWithoutExtension(file), file, sessions.Open($"{Name}/{file}", path));
        graphs.Add(graph);
        return graph;
    }

    private int EmbeddingWidth(OnnxComponent graph, string output)
    {
        var metadata = graph.Output(output, OrtTensors.FloatTypes);
        return metadata.Dimensions.Length == 2 && OnnxComponent.StaticDimension(metadata, 1) is { } width
            ? width
            : throw new ModelLoadException($"{Name}: {graph.File} {output} is [{Dimensions(metadata)}]; expected [batch, embedding size] with a fixed size.");
    }

    private void RejectInputsOtherThan(OnnxComponent graph, params string[] known)
    {
        var unknown = graph.Inputs.Keys.Except(known).ToArray();
        if (unknown.Length > 0)
        {
            throw new ModelLoadException($"{Name}: {graph.File} needs inputs a CLIP tower does not have: {string.Join(", ", unknown)}.");
        }
    }

    private TensorElementType AttentionMaskType() => textModel.Inputs["attention_mask"].ElementDataType;

    private string GraphsHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in new[] { TextModelFile, VisionModelFile })
        {
            using var stream = File.OpenRead(Path.Combine(Directory, file));
            var buffer = new byte[1 << 20];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..10];
    }

    private static string Dimensions(NodeMetadata metadata) =>
        string.Join(", ", metadata.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : metadata.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } name ? name : "?"));
}
