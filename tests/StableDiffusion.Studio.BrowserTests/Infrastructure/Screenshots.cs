namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>Where the browser tests leave their screenshots for people to look at.</summary>
public static class Screenshots
{
    public static string Directory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "TestResults", "screenshots")).FullName;
}
