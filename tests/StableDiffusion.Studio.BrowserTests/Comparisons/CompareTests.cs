using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Comparisons;

[Collection(StudioCollection.Name)]
public sealed class CompareTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task CompareOfFourSeedsFillsAGridWithFourDifferentImages() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("compare");
        var page = user.Page;
        await user.OpenInteractiveAsync("/compare");
        await page.GetByLabel("Prompt", new() { Exact = true }).FillAsync("a blue square");
        await page.GetByLabel("X values", new() { Exact = true }).FillAsync("11, 22, 33, 44");
        await user.ScreenshotAsync("compare form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate grid" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/compare/[0-9a-f-]{36}$"));
        foreach (var seed in new[] { 11, 22, 33, 44 })
        {
            await Expect(page.GetByText($"{seed}", new() { Exact = true })).ToBeVisibleAsync();
        }

        var cells = page.GetByTestId("compare-cell");
        await Expect(cells).ToHaveCountAsync(4);
        var images = cells.Locator("img");
        // Four jobs one after another on a shared CPU: allow twice the usual wait.
        await Expect(images).ToHaveCountAsync(4, new() { Timeout = (float)StudioFixture.Timeout.TotalMilliseconds * 2 });
        await user.ScreenshotAsync("compare grid");

        var hashes = new List<string>();
        foreach (var image in await images.AllAsync())
        {
            var src = await image.GetAttributeAsync("src");
            Assert.NotNull(src);
            var (status, bytes) = await user.FetchAsync(src);
            Assert.Equal(200, status);
            hashes.Add(Convert.ToHexString(SHA256.HashData(bytes)));
        }

        Assert.True(hashes.Distinct().Count() >= 3, $"Four seeds gave only {hashes.Distinct().Count()} distinct images.");
        user.AssertNoPageProblems();
    });
}
