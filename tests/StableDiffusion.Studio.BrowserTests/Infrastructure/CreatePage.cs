using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>The Create page as a user sees it: found by labels, roles and the page's test ids.</summary>
public sealed partial class CreatePage(BrowserUser user)
{
    public ILocator Prompt => user.Page.GetByLabel("Prompt", new() { Exact = true });

    public ILocator Steps => user.Page.GetByLabel("Steps", new() { Exact = true });

    public ILocator Generate => user.Page.GetByRole(AriaRole.Button, new() { Name = "Generate", Exact = true });

    /// <summary>"Step x/y" of a running job.</summary>
    public ILocator StepText => user.Page.GetByTestId("step-text");

    /// <summary>Links to finished images, newest first.</summary>
    public ILocator Results => user.Page.GetByTestId("result-image");

    /// <summary>Opens Create and waits until the form is live and holds what this browser kept of it.</summary>
    public async Task OpenAsync()
    {
        await user.OpenInteractiveAsync("/");
        await WaitUntilReadyAsync();
    }

    public Task WaitUntilReadyAsync() =>
        user.Page.Locator("[data-testid=generate-bar][data-ready=true]").WaitForAsync();

    /// <summary>
    /// Sets width and height. A job that a test races (cancels, skips, outlives a restart) is made 192² with the most steps
    /// allowed: 9× the embedded model's own size, so it still runs when the race comes, on a fast machine as on a loaded
    /// one (150 steps at 64² take a second or two).
    /// </summary>
    public async Task SetSizeAsync(int size)
    {
        await user.Page.GetByLabel("Width", new() { Exact = true }).FillAsync(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await user.Page.GetByLabel("Height", new() { Exact = true }).FillAsync(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Generates one image from <paramref name="prompt"/> and returns its id, read from the result's link.</summary>
    public async Task<Guid> GenerateAsync(string prompt)
    {
        await OpenAsync();
        var before = await Results.CountAsync();
        await Prompt.FillAsync(prompt);
        await Generate.ClickAsync();
        await Expect(Results).ToHaveCountAsync(before + 1);
        await Expect(Results.First.Locator("img")).ToHaveAttributeAsync("alt", new Regex(Regex.Escape(prompt)));
        return ImageIdOf(await Results.First.GetAttributeAsync("href"));
    }

    /// <summary>The newest result's image page, the way a person gets there: the thumbnail opens the viewer, its link the page.</summary>
    public async Task OpenNewestResultPageAsync()
    {
        await user.OpenViewerAsync(Results.First);
        await user.Page.GetByTestId("lightbox-open-page").ClickAsync();
        await user.Page.WaitForURLAsync(ImagePage());
        await user.WaitUntilInteractiveAsync();
    }

    public static Guid ImageIdOf(string? href) =>
        href is not null && ImageLink().Match(href) is { Success: true } match
            ? Guid.Parse(match.Groups[1].Value)
            : throw new InvalidOperationException($"Not an image page link: {href}");

    public static string FileUrl(Guid imageId) => $"/files/images/{imageId}";

    [GeneratedRegex("/images/([0-9a-fA-F-]{36})$")]
    private static partial Regex ImageLink();

    [GeneratedRegex("/images/[0-9a-fA-F-]{36}$")]
    private static partial Regex ImagePage();
}
