using System.Text.Json;
using System.Text.Json.Nodes;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// The Stable Diffusion ONNX folder layout (diffusers/optimum export): model_index.json, tokenizer/, scheduler/,
/// text_encoder/, unet/, vae_decoder/ and an optional vae_encoder/. Checks files before ONNX Runtime sees them,
/// so a clone made without Git LFS or a missing part is reported by name instead of as a protobuf error.
/// </summary>
public static class ModelFolder
{
    public const string IndexFile = "model_index.json";

    /// <summary>Sub-folders of <paramref name="modelsDirectory"/> that hold a model_index.json, by name.</summary>
    public static IReadOnlyList<string> List(string modelsDirectory) =>
        System.IO.Directory.Exists(modelsDirectory)
            ? [.. System.IO.Directory.EnumerateDirectories(modelsDirectory).Where(IsModel).Order(StringComparer.Ordinal)]
            : [];

    public static bool IsModel(string directory) => File.Exists(Path.Combine(directory, IndexFile));

    /// <summary>
    /// Throws <see cref="ModelLoadException"/> for the first missing, Git-LFS-pointer or unreadable required file.
    /// Cheap (no ONNX session is created); <see cref="StableDiffusionModel.Load"/> does this and then opens the graphs.
    /// </summary>
    public static void Validate(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException($"Model folder '{directory}' does not exist.");
        }
        RequireFile(directory, IndexFile);
        RequireJson(directory, IndexFile);
        foreach (var file in RequiredFiles)
        {
            RequireFile(directory, file);
        }
        foreach (var component in new[] { "text_encoder", "unet", "vae_decoder", "vae_encoder" })
        {
            var folder = Path.Combine(directory, component);
            if (!System.IO.Directory.Exists(folder))
            {
                continue;
            }
            // External weights (weights.pb, model.onnx_data) can be LFS pointers too.
            foreach (var file in System.IO.Directory.EnumerateFiles(folder).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)))
            {
                RejectLfsPointer(directory, Path.GetRelativePath(directory, file));
            }
        }
    }

    internal static readonly string[] RequiredFiles =
    [
        "tokenizer/vocab.json",
        "tokenizer/merges.txt",
        "scheduler/scheduler_config.json",
        "text_encoder/model.onnx",
        "unet/model.onnx",
        "vae_decoder/model.onnx",
    ];

    internal static string RequireFile(string directory, string relativePath)
    {
        var path = Path.Combine(directory, relativePath);
        if (!File.Exists(path))
        {
            var folder = Path.GetDirectoryName(relativePath);
            var missing = !string.IsNullOrEmpty(folder) && !System.IO.Directory.Exists(Path.Combine(directory, folder))
                ? $"the {folder}/ folder is missing"
                : $"{relativePath} is missing";
            throw new ModelLoadException($"'{Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))}' is not a usable Stable Diffusion ONNX folder: {missing}.");
        }
        RejectLfsPointer(directory, relativePath);
        return path;
    }

    internal static JsonNode RequireJson(string directory, string relativePath)
    {
        var path = RequireFile(directory, relativePath);
        return ReadJson(path, relativePath) ?? throw new ModelLoadException($"{relativePath} is empty.");
    }

    /// <summary>An optional JSON file: null when absent; a ModelLoadException when present but unreadable.</summary>
    internal static JsonNode? OptionalJson(string directory, string relativePath)
    {
        var path = Path.Combine(directory, relativePath);
        return File.Exists(path) ? ReadJson(path, relativePath) : null;
    }

    private static JsonNode? ReadJson(string path, string relativePath)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException error)
        {
            throw new ModelLoadException($"{relativePath} is not valid JSON: {error.Message}", error);
        }
    }

    private static void RejectLfsPointer(string directory, string relativePath)
    {
        // A Git LFS pointer is a ~130-byte text file: "version https://git-lfs.github.com/spec/v1", oid, size.
        var prefix = "version https://git-lfs"u8;
        var path = Path.Combine(directory, relativePath);
        if (new FileInfo(path).Length > 1024)
        {
            return;
        }
        Span<byte> head = stackalloc byte[prefix.Length];
        using var stream = File.OpenRead(path);
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(prefix))
        {
            throw new ModelLoadException($"{relativePath.Replace('\\', '/')} is a Git LFS pointer, not the file itself: fetch it with 'git lfs pull'.");
        }
    }
}
