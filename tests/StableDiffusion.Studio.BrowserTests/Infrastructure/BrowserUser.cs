using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>
/// One person at the studio: a Chromium with its own fresh profile, so its own identity cookie, and one tab.
/// Screenshots of the pages it visits go to TestResults/screenshots under the repository root.
/// </summary>
public sealed class BrowserUser : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly string profileDirectory;
    private readonly string name;
    private readonly List<string> problems = [];
    private int screenshots;

    public BrowserUser(IBrowserContext context, IPage page, string profileDirectory, string name)
    {
        this.context = context;
        this.profileDirectory = profileDirectory;
        this.name = name;
        Page = page;
        // A page can look right while a script, style or image behind it failed: collect those as they happen.
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && response.Request.ResourceType is not "document")
            {
                Record($"{response.Status} {response.Request.ResourceType} {response.Url}");
            }
        };
        page.RequestFailed += (_, request) =>
        {
            // Leaving a page aborts what it still had in flight; that is the browser's doing, not the studio's.
            if (request.Failure != "net::ERR_ABORTED")
            {
                Record($"failed {request.ResourceType} {request.Url}: {request.Failure}");
            }
        };
        page.Console += (_, message) =>
        {
            // Chromium reports every 4xx as "Failed to load resource", the expected 404 pages too; subresources are
            // already checked by status above.
            // SignalR logs a WebSocket that fails to open as an error and then falls back to another transport: on a loaded
            // machine the server may have dropped a negotiated connection the browser was slow to open. A circuit that never
            // starts fails the tests that wait for it (WaitUntilInteractiveAsync), so only the fallback's messages are let by.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)
                && !IsTransportFallback(message.Text))
            {
                Record($"console error on {page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record($"page error on {page.Url}: {error}");
    }

    public IPage Page { get; }

    private static bool IsTransportFallback(string text) =>
        (text.StartsWith("WebSocket connection to ", StringComparison.Ordinal) && text.Contains("/_blazor?id=", StringComparison.Ordinal))
        || text.Contains("Failed to start the transport 'WebSockets'", StringComparison.Ordinal);

    /// <summary>The person's browser: more tabs, and its network switched off and on.</summary>
    public IBrowserContext Context => context;

    /// <summary>Fails if a subresource failed, or a console error or uncaught script error has been seen so far.</summary>
    public void AssertNoPageProblems()
    {
        lock (problems)
        {
            Assert.True(problems.Count == 0, $"{name} saw problems:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }
    }

    /// <summary>Loads a page and waits until its circuit is live: earlier clicks would hit prerendered markup with no handlers.</summary>
    public async Task<IResponse?> OpenInteractiveAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        await WaitUntilInteractiveAsync();
        return response;
    }

    public Task WaitUntilInteractiveAsync() =>
        // Attached, not visible: the marker is an empty div. MainLayout sets it once the component runs in a circuit.
        Page.Locator("#studio-state[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Opens the image viewer from a thumbnail (Create's results, the gallery's grid) and waits until it shows. A click
    /// travels to the server as a circuit event; on a loaded machine one that lands while the list is being re-rendered
    /// can be lost, and then a person clicks again: so does this, up to three times.
    /// </summary>
    public async Task OpenViewerAsync(ILocator thumbnail)
    {
        var viewer = Page.GetByTestId("lightbox");
        for (var attempt = 1; ; attempt++)
        {
            await thumbnail.ClickAsync();
            try
            {
                await viewer.WaitForAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    public async Task ScreenshotAsync(string step)
    {
        var file = $"{name}-{++screenshots:00}-{Regex.Replace(step, "[^A-Za-z0-9]+", "-").Trim('-')}.png";
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots.Directory, file), FullPage = true });
    }

    /// <summary>GET with this user's cookies: the status and body, as the browser would receive them.</summary>
    public async Task<(int Status, byte[] Body)> FetchAsync(string url)
    {
        var response = await context.APIRequest.GetAsync(url);
        try
        {
            return (response.Status, await response.BodyAsync());
        }
        finally
        {
            await response.DisposeAsync();
        }
    }

    private void Record(string problem)
    {
        lock (problems)
        {
            problems.Add(problem);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close first: deleting a profile Chromium still holds fails with "Directory not empty".
        await context.CloseAsync();
        try
        {
            Directory.Delete(profileDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp profile is not worth failing a test for.
        }
    }
}
