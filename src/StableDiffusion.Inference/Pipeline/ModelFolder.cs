using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// The Stable Diffusion ONNX folder layout (diffusers/optimum export): model_index.json, tokenizer/, scheduler/,
/// text_encoder/, unet/, vae_decoder/ and an optional vae_encoder/. Checks files before ONNX Runtime sees them,
/// so a clone made without Git LFS or a missing part is reported by name instead of as a protobuf error, and answers
/// what a folder offers (<see cref="Describe"/>) and its hash without opening an ONNX session.
/// </summary>
public static class ModelFolder
{
    public const string IndexFile = "model_index.json";

    private const string UnetFile = "unet/model.onnx";

    private static readonly ConcurrentDictionary<string, (DateTime Modified, long Length, Lazy<ModelHash> Hash)> Hashes = new();

    /// <summary>Sub-folders of <paramref name="modelsDirectory"/> that are models (<see cref="IsModel"/>), as full paths in name order.</summary>
    public static IReadOnlyList<string> List(string modelsDirectory) =>
        System.IO.Directory.Exists(modelsDirectory)
            ? [.. System.IO.Directory.EnumerateDirectories(modelsDirectory).Where(IsModel).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>
    /// Whether a folder is meant as a model: it has a model_index.json or a unet/ folder. Whether it is usable is
    /// <see cref="Validate"/>'s question, so a half-copied model is still offered, with what it lacks.
    /// </summary>
    public static bool IsModel(string directory) =>
        File.Exists(Path.Combine(directory, IndexFile)) || System.IO.Directory.Exists(Path.Combine(directory, "unet"));

    /// <summary>The folder's name, which is how users and the A1111 API name the model.</summary>
    public static string NameOf(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    /// <summary>
    /// Checks the folder as <see cref="Validate"/> does and reads what it offers: its recommended settings, its card
    /// (description and example prompts) and whether it can do img2img. Throws <see cref="ModelLoadException"/> naming what makes it unusable.
    /// </summary>
    public static ModelDescription Describe(string directory)
    {
        Validate(directory);
        var fullPath = Path.GetFullPath(directory);
        return new ModelDescription(NameOf(fullPath), fullPath, ModelDefaultsFile.Read(fullPath), HasVaeEncoder(fullPath))
        {
            Card = ModelDefaultsFile.ReadCard(fullPath),
        };
    }

    /// <summary>
    /// The SHA-256 of unet/model.onnx, or null when there is none. Hashing gigabytes takes seconds, so each folder is
    /// hashed once and again only when the file's size or time changes.
    /// </summary>
    public static ModelHash? Hash(string directory)
    {
        var file = new FileInfo(Path.Combine(Path.GetFullPath(directory), UnetFile));
        if (!file.Exists)
        {
            return null;
        }
        var (modified, length) = (file.LastWriteTimeUtc, file.Length);
        var entry = Hashes.AddOrUpdate(file.FullName,
            _ => (modified, length, new Lazy<ModelHash>(() => HashFile(file.FullName))),
            (_, cached) => cached.Modified == modified && cached.Length == length ? cached : (modified, length, new Lazy<ModelHash>(() => HashFile(file.FullName))));
        try
        {
            return entry.Hash.Value;
        }
        catch
        {
            // An unreadable file is not remembered: the next call tries again.
            Hashes.TryRemove(KeyValuePair.Create(file.FullName, entry));
            throw;
        }
    }

    /// <summary>
    /// Throws <see cref="ModelLoadException"/> for the first missing, Git-LFS-pointer, unreadable or truncated required
    /// file, or missing external weights. Cheap (no ONNX session is created, the graphs' framing is read, not their weights); <see cref="StableDiffusionModel.Load"/> does this and then opens the graphs.
    /// </summary>
    public static void Validate(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException($"Model folder '{NameOf(directory)}' does not exist.");
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

            // A truncated copy would otherwise be offered until its first job fails on it.
            if (File.Exists(Path.Combine(folder, "model.onnx")))
            {
                OnnxModelFile.Check(directory, Path.Combine(component, "model.onnx"));
            }
        }
    }

    internal static readonly string[] RequiredFiles =
    [
        "tokenizer/vocab.json",
        "tokenizer/merges.txt",
        "scheduler/scheduler_config.json",
        "text_encoder/model.onnx",
        UnetFile,
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

    /// <summary>img2img needs the VAE encoder; exports made for txt2img only leave it out.</summary>
    private static bool HasVaeEncoder(string directory) => File.Exists(Path.Combine(directory, "vae_encoder", "model.onnx"));

    private static ModelHash HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return new ModelHash(Convert.ToHexStringLower(SHA256.HashData(stream)));
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
