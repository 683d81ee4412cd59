using Microsoft.Playwright;
using Xunit.Abstractions;

namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>
/// One studio process and one Playwright driver for every browser test; each user gets a Chromium of their own.
/// Uses Debian's chromium (no downloaded browser build), headless and with nothing that phones home.
/// </summary>
public sealed class StudioFixture : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Generous: two Chromiums, the server and the ONNX work share two cores on CI machines.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? playwright;
    private StudioServer? server;

    public StudioServer Server => server ?? throw new InvalidOperationException("The studio has not started.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
        var starting = StudioServer.StartAsync();
        playwright = await Playwright.CreateAsync();
        server = await starting;
    }

    /// <summary>A new person: fresh profile, so no cookies, so a new anonymous identity on the first request.</summary>
    public Task<BrowserUser> OpenBrowserAsync(string name) => OpenAsync(name, phone: false);

    /// <summary>A new person on a phone: 390×844, touch, no mouse to hover with.</summary>
    public Task<BrowserUser> OpenPhoneAsync(string name) => OpenAsync(name, phone: true);

    private async Task<BrowserUser> OpenAsync(string name, bool phone)
    {
        var profile = Directory.CreateTempSubdirectory("studio-browser-profile-").FullName;
        var context = await playwright!.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = phone ? new() { Width = 390, Height = 844 } : new() { Width = 1280, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
        });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        return new BrowserUser(context, page, profile, name);
    }

    /// <summary>Runs a test; if it fails, the server's console output goes into the test's output next to the failure.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            output.WriteLine("The studio server's last lines:");
            output.WriteLine(Server.LogTail());
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
