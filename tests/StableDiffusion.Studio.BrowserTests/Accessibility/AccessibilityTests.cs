using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Accessibility;

/// <summary>
/// axe-core on every page, in both themes (from the system's prefers-color-scheme, no choice saved) and at a desktop
/// and a phone size. One browser and one tab for all of it, to keep the run short.
/// </summary>
[Collection(StudioCollection.Name)]
public sealed class AccessibilityTests(StudioFixture studio, ITestOutputHelper output)
{
    // MudBlazor's page backgrounds (the studio keeps them): white and #32333d.
    private const string Light = "rgb(255, 255, 255)";
    private const string Dark = "rgb(50, 51, 61)";
    private const string MissingToken = "AAAAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public Task EveryPageInBothThemesAtBothSizesHasNoSeriousOrCriticalAxeViolations() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("a11y");
        var page = user.Page;
        var imageId = await GenerateAsync(user, "an accessible red circle");
        var imageShare = await ShareAsync(user, $"/images/{imageId}");
        var comparison = await CompareAsync(user);
        var comparisonShare = await ShareAsync(user, comparison);

        // Share and account pages are static: no circuit to wait for.
        var pages = new (string Path, bool Interactive)[]
        {
            ("/", true), ("/gallery", true), ("/gallery?q=red", true), ($"/gallery?like={imageId}", true), ($"/images/{imageId}", true),
            ("/compare", true), (comparison, true), ("/queue", true),
            ("/settings", true), (imageShare, false), (comparisonShare, false), ($"/s/{MissingToken}", false),
            ("/account/signup", false), ("/account/signin", false), ("/admin", true), ("/no-such-page", true),
        };
        var violations = new List<string>();
        async Task AuditAsync(string what)
        {
            // Settled: no colour caught halfway through a transition.
            await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            var result = await page.RunAxe();
            violations.AddRange(result.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{what}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target))}"));
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (scheme, background) in new[] { (ColorScheme.Dark, Dark), (ColorScheme.Light, Light) })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme, ReducedMotion = ReducedMotion.Reduce });
            foreach (var (width, height) in new[] { (1440, 900), (390, 844) })
            {
                await page.SetViewportSizeAsync(width, height);
                foreach (var (path, interactive) in pages)
                {
                    await page.GotoAsync(path);
                    if (interactive)
                    {
                        await user.WaitUntilInteractiveAsync();
                    }

                    await Expect(page.Locator("body")).ToHaveCSSAsync("background-color", background);
                    await AuditAsync($"{scheme} {width}px {path}");
                    // A few pictures for people; each full-page screenshot costs time.
                    if (width == 390 && (path == "/gallery" || path == imageShare || path == $"/images/{imageId}"))
                    {
                        await user.ScreenshotAsync($"{scheme} {width} {path}");
                    }
                }

                // What opens over a page: the image viewer, and on a phone the menu's drawer.
                await user.OpenInteractiveAsync("/gallery");
                await user.OpenViewerAsync(page.GetByTestId("gallery-open").First);
                await AuditAsync($"{scheme} {width}px /gallery with the image viewer open");
                if (width == 390)
                {
                    await user.OpenInteractiveAsync("/");
                    await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
                    await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=menu-drawer]').getBoundingClientRect().left === 0");
                    await AuditAsync($"{scheme} {width}px / with the menu open");
                }
            }
        }

        output.WriteLine($"{(pages.Length + 1) * 4 + 2} axe runs in {clock.Elapsed.TotalSeconds:0} s");
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));

        // Every page's title names the studio; the image page shows the 64-px image a whole multiple larger, crisp.
        await page.SetViewportSizeAsync(1440, 900);
        foreach (var path in pages.Select(p => p.Path))
        {
            await page.GotoAsync(path);
            await Expect(page).ToHaveTitleAsync(new Regex(" — Stable Diffusion Studio$"));
        }

        await Expect(page.GetByText("There is nothing here")).ToBeVisibleAsync();
        await page.GotoAsync($"/s/{MissingToken}");
        await Expect(page.GetByTestId("share-gone")).ToHaveTextAsync("This link was revoked or never existed");
        await user.OpenInteractiveAsync($"/images/{imageId}");
        var image = page.GetByTestId("full-image");
        await Expect(image).Not.ToHaveJSPropertyAsync("naturalWidth", 0);
        var (natural, shown) = (await image.EvaluateAsync<int>("i => i.naturalWidth"), await image.EvaluateAsync<int>("i => i.clientWidth"));
        Assert.True(shown > natural, $"the {natural}-px image is shown {shown} px wide");
        Assert.Equal(0, shown % natural);
        await Expect(image).ToHaveCSSAsync("image-rendering", "pixelated");
        user.AssertNoPageProblems();
    });

    /// <summary>One image in a few steps: the audit needs an image, not a good one, and the CPU is shared.</summary>
    private static async Task<Guid> GenerateAsync(BrowserUser user, string prompt)
    {
        var create = new CreatePage(user);
        await create.OpenAsync();
        await create.Prompt.FillAsync(prompt);
        await create.Steps.FillAsync("4");
        await create.Generate.ClickAsync();
        await Expect(create.Results).ToHaveCountAsync(1, new() { Timeout = (float)StudioFixture.Timeout.TotalMilliseconds * 2 });
        return CreatePage.ImageIdOf(await create.Results.First.GetAttributeAsync("href"));
    }

    /// <summary>Creates a share link on an image or comparison page and returns its path.</summary>
    private static async Task<string> ShareAsync(BrowserUser user, string path)
    {
        await user.OpenInteractiveAsync(path);
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        var field = user.Page.GetByLabel("Share link");
        await Expect(field).ToHaveValueAsync(new Regex("/s/[^/]+$"));
        return new Uri(await field.InputValueAsync()).AbsolutePath;
    }

    private static async Task<string> CompareAsync(BrowserUser user)
    {
        await user.OpenInteractiveAsync("/compare");
        await user.Page.GetByLabel("Prompt", new() { Exact = true }).FillAsync("an accessible grid");
        await user.Page.GetByLabel("X values", new() { Exact = true }).FillAsync("1, 2, 3, 4");
        await user.Page.GetByLabel("Steps", new() { Exact = true }).FillAsync("4");
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Generate grid" }).ClickAsync();
        await Expect(user.Page).ToHaveURLAsync(new Regex("/compare/[0-9a-f-]{36}$"));
        await Expect(user.Page.GetByTestId("compare-cell").Locator("img")).ToHaveCountAsync(4, new() { Timeout = (float)StudioFixture.Timeout.TotalMilliseconds * 2 });
        return new Uri(user.Page.Url).AbsolutePath;
    }
}
