namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>Where the browser tests leave their screenshots for people to look at.</summary>
public static class Screenshots
{
    public static string Directory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "TestResults", "screenshots")).FullName;

    /// <summary>What is on the screen (not the whole page), as the README's and the notes' pictures: after-NAME.png.</summary>
    public static Task ScreenAsync(Microsoft.Playwright.IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Directory, $"after-{name}.png") });
}
