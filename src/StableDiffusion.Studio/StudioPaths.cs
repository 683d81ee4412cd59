using Microsoft.Extensions.Options;

namespace StableDiffusion.Studio;

/// <summary>Absolute folders resolved once from the options and the content root.</summary>
public sealed class StudioPaths(IOptions<StudioOptions> options, IHostEnvironment environment)
{
    public string DataDirectory { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath));

    public string DatabaseFile => Path.Combine(DataDirectory, "studio.db");

    /// <summary>The data-protection keys that sign identity cookies: lose them and every browser gets a new identity.</summary>
    public string KeysDirectory => KeysDirectoryOf(DataDirectory);

    public static string KeysDirectoryOf(string dataDirectory) => Path.Combine(dataDirectory, "keys");

    /// <summary>Resolves a stored relative path, refusing anything that would leave the data directory.</summary>
    public string Resolve(string relativePath)
    {
        var full = Path.GetFullPath(Path.Join(DataDirectory, relativePath));
        if (!full.StartsWith(DataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("A stored path points outside the data directory.");
        }

        return full;
    }
}
