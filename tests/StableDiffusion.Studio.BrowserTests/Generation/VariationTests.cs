using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed class VariationTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task UserOpensExtraSetsAVariationAndTheImagePageRecordsIt() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("variation");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "a yellow triangle, varied";
        await create.Prompt.FillAsync(prompt);
        await user.Page.GetByLabel("Seed", new() { Exact = true }).FillAsync("7");

        await user.Page.GetByText("Extra", new() { Exact = true }).ClickAsync();
        await user.Page.GetByLabel("Variation seed", new() { Exact = true }).FillAsync("500");
        await user.Page.GetByLabel("Variation strength", new() { Exact = true }).FillAsync("0.3");
        await user.ScreenshotAsync("variation set");
        await create.Generate.ClickAsync();

        var result = create.Results.First;
        await Expect(result.Locator("img")).ToHaveAttributeAsync("alt", new System.Text.RegularExpressions.Regex(prompt));
        await create.OpenNewestResultPageAsync();
        var seedRow = user.Page.GetByRole(Microsoft.Playwright.AriaRole.Row, new() { Name = "Variation seed" });
        await Expect(seedRow).ToContainTextAsync("500");
        await Expect(user.Page.GetByRole(Microsoft.Playwright.AriaRole.Row, new() { Name = "Variation strength" })).ToContainTextAsync("0.3");
        await user.ScreenshotAsync("image page");

        // "Make variations" keeps the seed and asks for a batch of random variation seeds.
        await user.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Make variations" }).ClickAsync();
        await user.WaitUntilInteractiveAsync();
        await Expect(user.Page.GetByLabel("Seed", new() { Exact = true })).ToHaveValueAsync("7");
        await Expect(user.Page.GetByLabel("Batch size", new() { Exact = true })).ToHaveValueAsync("4");
        await Expect(user.Page.GetByLabel("Batch count", new() { Exact = true })).ToHaveValueAsync("1");
        await Expect(user.Page.GetByLabel("Variation seed", new() { Exact = true })).ToHaveValueAsync("-1");
        await Expect(user.Page.GetByLabel("Variation strength", new() { Exact = true })).ToHaveValueAsync("0.3");
        await user.ScreenshotAsync("variations form");
        user.AssertNoPageProblems();
    });
}
