namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>The folder holding StableDiffusion.Studio.sln, found by walking up from the test assembly.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "StableDiffusion.Studio.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StableDiffusion.Studio.sln was not found above " + AppContext.BaseDirectory);
    }
}
