using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Comparisons;

[Collection(StudioCollection.Name)]
public sealed class XyzCompareTests(StudioFixture studio, ITestOutputHelper output)
{
    private static readonly float GridTimeout = (float)StudioFixture.Timeout.TotalMilliseconds * 4;

    [Fact]
    public Task AFixedSeedCfgByStepsGridFillsInPlaceExportsALabelledPngAndSharesItsCommonSettings() => studio.RunAsync(output, async () =>
    {
        await using var owner = await studio.OpenBrowserAsync("xyz-owner");
        var page = owner.Page;
        await owner.OpenInteractiveAsync("/compare");
        await page.GetByLabel("Prompt", new() { Exact = true }).FillAsync("two red squares on a white background");
        await ChooseAxisAsync(page, "x", "CFG scale", "3, 9");
        await ChooseAxisAsync(page, "y", "Steps", "2-4 (+2)");
        await page.GetByLabel("Seed", new() { Exact = true }).FillAsync("1234");
        await page.GetByLabel("Seed", new() { Exact = true }).BlurAsync();
        await Expect(page.GetByTestId("cell-count")).ToHaveTextAsync("2 × 2 = 4 cells (at most 64).");
        await owner.ScreenshotAsync("cfg by steps form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate grid" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/compare/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("compare-progress")).ToHaveTextAsync(new Regex("^[0-4]/4$"));
        var cells = page.GetByTestId("compare-cell");
        await Expect(cells).ToHaveCountAsync(4);
        var sizeWhileFilling = await cells.Nth(3).Locator(".studio-cell-box").BoundingBoxAsync();
        foreach (var header in new[] { "CFG scale", "Steps", "3", "9" })
        {
            await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = header, Exact = true })).ToBeVisibleAsync();
        }

        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "4", Exact = true })).ToBeVisibleAsync();
        await Expect(cells.Locator("img")).ToHaveCountAsync(4, new() { Timeout = GridTimeout });
        await Expect(page.GetByTestId("compare-progress")).ToHaveTextAsync("4/4");
        var sizeFilled = await cells.Nth(3).Locator(".studio-cell-box").BoundingBoxAsync();
        Assert.Equal((sizeWhileFilling!.Width, sizeWhileFilling.Height), (sizeFilled!.Width, sizeFilled.Height));
        await owner.ScreenshotAsync("cfg by steps grid");

        // The export: one PNG, wider than the cells alone by the row labels' band.
        var gridUrl = await page.GetByRole(AriaRole.Link, new() { Name = "Download grid as PNG" }).GetAttributeAsync("href");
        var (status, png) = await owner.FetchAsync(gridUrl!);
        Assert.Equal(200, status);
        await File.WriteAllBytesAsync(Path.Combine(Screenshots.Directory, "xyz-owner-grid-export.png"), png);
        var (width, height) = PngSize(png);
        Assert.True(width >= 512 && height > 2 * 64, $"The grid PNG is {width}×{height}.");

        // A cell opens its image.
        await cells.Nth(1).Locator("a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/images/[0-9a-f-]{36}$"));
        await page.GoBackAsync();
        await owner.WaitUntilInteractiveAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        var linkField = page.GetByLabel("Share link");
        await Expect(linkField).ToHaveValueAsync(new Regex("/s/[^/]+$"));
        var link = await linkField.InputValueAsync();

        await using var visitor = await studio.OpenBrowserAsync("xyz-visitor");
        await visitor.Page.GotoAsync(link);
        var common = visitor.Page.GetByTestId("common-settings");
        await Expect(common.GetByRole(AriaRole.Row, new() { Name = "Seed 1234" })).ToBeVisibleAsync();
        await Expect(common.GetByRole(AriaRole.Rowheader, new() { Name = "CFG scale" })).ToHaveCountAsync(0);
        await Expect(common.GetByRole(AriaRole.Rowheader, new() { Name = "Steps" })).ToHaveCountAsync(0);
        await Expect(visitor.Page.GetByTestId("comparison-axes")).ToContainTextAsync("X: CFG scale");
        await Expect(visitor.Page.GetByTestId("comparison-axes")).ToContainTextAsync("Y: Steps");
        var preview = await visitor.Page.Locator("meta[property='og:image']").GetAttributeAsync("content");
        Assert.EndsWith("/preview.png", preview);
        await visitor.ScreenshotAsync("shared grid");

        var sharedCell = visitor.Page.GetByTestId("compare-cell").Nth(2).Locator("a");
        var (cellStatus, cellBytes) = await visitor.FetchAsync((await sharedCell.GetAttributeAsync("href"))!);
        Assert.Equal((200, "PNG"), (cellStatus, System.Text.Encoding.ASCII.GetString(cellBytes, 1, 3)));
        var (previewStatus, previewPng) = await visitor.FetchAsync(new Uri(preview!).PathAndQuery);
        Assert.Equal((200, (width, height)), (previewStatus, PngSize(previewPng)));
        owner.AssertNoPageProblems();
        visitor.AssertNoPageProblems();
    });

    [Fact]
    public Task AFourByFourGridShowsItsProgressAndASixteenSeedRowWraps() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("xyz-4x4");
        var page = user.Page;
        await user.OpenInteractiveAsync("/compare");
        await page.GetByLabel("Prompt", new() { Exact = true }).FillAsync("two red squares on a white background");
        await page.GetByLabel("Steps", new() { Exact = true }).FillAsync("2");
        await ChooseAxisAsync(page, "x", "Seed", "1-4");
        await ChooseAxisAsync(page, "y", "CFG scale", "1, 3, 5, 7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate grid" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/compare/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("compare-progress")).ToHaveTextAsync(new Regex("^([0-9]|1[0-6])/16$"));
        await Expect(page.GetByTestId("compare-cell")).ToHaveCountAsync(16);
        await Expect(page.GetByTestId("compare-cell").Locator("img")).ToHaveCountAsync(16, new() { Timeout = GridTimeout * 2 });
        await Expect(page.GetByTestId("compare-progress")).ToHaveTextAsync("16/16");
        await user.ScreenshotAsync("compare 4x4");

        // Sixteen seeds and nothing else: cells wrap onto several rows instead of running off the page.
        await user.OpenInteractiveAsync("/compare");
        await page.GetByLabel("Prompt", new() { Exact = true }).FillAsync("a green circle on a purple background");
        await page.GetByLabel("Steps", new() { Exact = true }).FillAsync("1");
        await ChooseAxisAsync(page, "x", "Seed", "1-16");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate grid" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/compare/[0-9a-f-]{36}$"));
        var cells = page.GetByTestId("compare-cell");
        await Expect(cells).ToHaveCountAsync(16);
        var tops = new HashSet<double>();
        foreach (var cell in await cells.AllAsync())
        {
            tops.Add(Math.Round((await cell.BoundingBoxAsync())!.Y));
        }

        Assert.True(tops.Count >= 2, "Sixteen cells stayed on one row.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The grid is wider than the page.");
        await Expect(cells.Locator("img")).ToHaveCountAsync(16, new() { Timeout = GridTimeout * 2 });
        await user.ScreenshotAsync("sixteen seeds wrapped");
        user.AssertNoPageProblems();
    });

    [Fact]
    public Task TooManyCellsAreRefusedUnderTheAxis() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("xyz-too-many");
        var page = user.Page;
        await user.OpenInteractiveAsync("/compare");
        await page.GetByLabel("Prompt", new() { Exact = true }).FillAsync("a blue square");
        await ChooseAxisAsync(page, "x", "Seed", "1-13");
        await ChooseAxisAsync(page, "y", "Steps", "1-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate grid" }).ClickAsync();

        await Expect(page.GetByText("That makes 65 cells; a comparison holds 1 to 64. Use fewer values.")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/compare$"));
        await user.ScreenshotAsync("too many cells");
        user.AssertNoPageProblems();
    });

    /// <summary>Part of the hint under each setting's values: it shows once the page has put in the setting's example values.</summary>
    private static readonly Dictionary<string, string> Hints = new()
    {
        ["Seed"] = "-1 is a random seed", ["CFG scale"] = "3-12 (+3)", ["Steps"] = "10-40 (+10)",
    };

    private static async Task ChooseAxisAsync(IPage page, string role, string setting, string values)
    {
        await page.GetByTestId($"{role}-axis").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = setting, Exact = true }).ClickAsync();
        // Typing before the example arrives would have the example overwrite it on the screen.
        await Expect(page.GetByText(Hints[setting], new() { Exact = false })).ToBeVisibleAsync();
        var field = page.GetByLabel($"{role.ToUpperInvariant()} values", new() { Exact = true });
        await field.FillAsync(values);
        await field.BlurAsync();
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    private static (int Width, int Height) PngSize(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
}
