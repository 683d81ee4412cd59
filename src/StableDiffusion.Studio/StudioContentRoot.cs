namespace StableDiffusion.Studio;

/// <summary>
/// Where appsettings.json and wwwroot live: the repository root when running from the source tree (the folder with
/// the solution file), else the application folder (published output, where the project copies both).
/// </summary>
public static class StudioContentRoot
{
    private const string SolutionFile = "StableDiffusion.Studio.sln";

    public static string Find(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
