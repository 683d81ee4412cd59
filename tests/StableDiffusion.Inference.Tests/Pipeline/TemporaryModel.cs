namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>A copy of a model folder in the temp directory (named like the original), removed on dispose.</summary>
internal sealed class TemporaryModel : IDisposable
{
    private readonly string parent = Path.Combine(Path.GetTempPath(), "sd-model-" + Guid.NewGuid().ToString("N"));

    public TemporaryModel(string source)
    {
        Directory = Path.Combine(parent, Path.GetFileName(source));
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Directory, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Directory { get; }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public void Dispose() => System.IO.Directory.Delete(parent, recursive: true);
}
