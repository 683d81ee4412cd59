using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Library;

/// <summary>Search by meaning on the embedded model and the embedded CLIP, as a fresh clone has them.</summary>
[Collection(StudioCollection.Name)]
public sealed class ClipSearchTests(StudioFixture studio, ITestOutputHelper output)
{
    private const string RedTriangles = "three red triangles on a white background";

    [Fact]
    public Task GallerySearchRanksTheRedTrianglesFirstAndMoreLikeThisRanksTheOthers() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("clip-search");
        var create = new CreatePage(user);
        foreach (var prompt in new[] { "two blue circles on a black background", RedTriangles, "a yellow square on a green background" })
        {
            await create.GenerateAsync(prompt);
        }

        // Each image is embedded by the worker after it is saved; Settings shows how far that has come.
        await user.OpenInteractiveAsync("/settings");
        await Expect(user.Page.GetByTestId("search-index-count")).ToContainTextAsync(new Regex("^3 of 3 images indexed with tiny-shapes-clip:"));
        await user.ScreenshotAsync("indexed");

        await user.OpenInteractiveAsync("/gallery");
        await user.Page.GetByLabel("Search by meaning, or a seed").FillAsync("three red triangles");
        await Expect(user.Page).ToHaveURLAsync(new Regex(@"q=three(%20|\+)red(%20|\+)triangles"));
        var items = user.Page.GetByTestId("gallery-item");
        await Expect(items).ToHaveCountAsync(3);
        await Expect(items.First.Locator("img")).ToHaveAttributeAsync("alt", RedTriangles);
        await Expect(items.First.GetByTestId("similarity")).ToBeVisibleAsync();
        await user.ScreenshotAsync("search by meaning");

        // Plain text search matches the words themselves: one prompt has them, and it is the only image left.
        await user.Page.GetByLabel("Plain text search").CheckAsync();
        await Expect(user.Page).ToHaveURLAsync(new Regex("mode=text"));
        await Expect(items).ToHaveCountAsync(1);
        await Expect(items.First.GetByTestId("similarity")).ToHaveCountAsync(0);
        await user.Page.GetByLabel("Plain text search").UncheckAsync();
        await Expect(items).ToHaveCountAsync(3);

        // A click on a gallery image opens the viewer; its link opens the image page.
        await user.OpenViewerAsync(items.First.Locator("a"));
        await user.Page.GetByRole(AriaRole.Link, new() { Name = "Open image page" }).ClickAsync();
        await user.WaitUntilInteractiveAsync();
        await Expect(user.Page.GetByTestId("clip-score")).ToContainTextAsync(new Regex("^CLIP score -?[01]\\.[0-9]{2}"));
        await user.Page.GetByRole(AriaRole.Link, new() { Name = "More like this" }).ClickAsync();
        await Expect(user.Page).ToHaveURLAsync(new Regex("/gallery\\?like="));
        await Expect(user.Page.GetByTestId("like-banner")).ToBeVisibleAsync();
        await Expect(items).ToHaveCountAsync(2);
        for (var i = 0; i < 2; i++)
        {
            await Expect(items.Nth(i).Locator("img")).Not.ToHaveAttributeAsync("alt", RedTriangles);
        }
        await user.ScreenshotAsync("more like this");

        // Sorted by CLIP score: every image shows its score, best first.
        await user.Page.GetByTestId("like-banner").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(user.Page).Not.ToHaveURLAsync(new Regex("like="));
        await user.Page.GetByTestId("gallery-sort").ClickAsync();
        await user.Page.GetByRole(AriaRole.Option, new() { Name = "Best match to prompt (CLIP score)", Exact = true }).ClickAsync();
        await Expect(user.Page).ToHaveURLAsync(new Regex("sort=best-match"));
        var scores = items.GetByTestId("similarity");
        await Expect(scores).ToHaveCountAsync(3);
        var values = new List<double>();
        foreach (var text in await scores.AllTextContentsAsync())
        {
            Assert.StartsWith("CLIP score ", text);
            values.Add(double.Parse(text["CLIP score ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(values.OrderDescending(), values);
        await user.ScreenshotAsync("sorted by clip score");
        user.AssertNoPageProblems();
    });
}
