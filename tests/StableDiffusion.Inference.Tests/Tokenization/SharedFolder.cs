namespace StableDiffusion.Inference.Tests.Tokenization;

/// <summary>The read-only reference data beside the repository: the folder holding golden/ and clip-tokenizer/.</summary>
internal static class SharedFolder
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string PathOf(params string[] parts) => Path.Combine([Root.Value, .. parts]);

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "shared", "golden")))
            {
                return Path.Combine(directory.FullName, "shared");
            }

            if (File.Exists(Path.Combine(directory.FullName, "StableDiffusion.Studio.sln"))
                && Directory.Exists(Path.Combine(directory.FullName, "..", "shared", "golden")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared"));
            }
        }

        throw new DirectoryNotFoundException("No 'shared/golden' folder above the test binaries or beside the repository root.");
    }
}
