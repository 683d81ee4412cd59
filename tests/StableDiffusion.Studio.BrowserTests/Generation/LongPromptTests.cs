using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed class LongPromptTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task ALongWeightedPromptCountsLikeA1111AndItsEmphasisModeReachesTheImagePage() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("long-prompt");
        var create = new CreatePage(user);
        await create.OpenAsync();
        // 80 tokens: a second chunk, nothing ignored.
        var prompt = "(red circle:1.2) " + string.Join(' ', Enumerable.Repeat("blue square", 39));
        await create.Prompt.FillAsync(prompt);
        var counter = user.Page.GetByTestId("token-count");
        await Expect(counter).ToHaveTextAsync("80/150 tokens");

        await user.Page.GetByText("Extra", new() { Exact = true }).ClickAsync();
        await user.Page.GetByTestId("emphasis-mode").ClickAsync();
        await user.Page.GetByRole(Microsoft.Playwright.AriaRole.Option, new() { Name = "No norm", Exact = true }).ClickAsync();
        await user.ScreenshotAsync("long prompt, no norm");
        await create.Generate.ClickAsync();

        var result = create.Results.First;
        await Expect(result.Locator("img")).ToHaveAttributeAsync("alt", new System.Text.RegularExpressions.Regex("red circle"));
        await create.OpenNewestResultPageAsync();
        await Expect(user.Page.GetByRole(Microsoft.Playwright.AriaRole.Row, new() { Name = "Emphasis mode" })).ToContainTextAsync("No norm");
        await Expect(user.Page.GetByRole(Microsoft.Playwright.AriaRole.Row, new() { Name = "Warnings" })).ToHaveCountAsync(0);
        await user.ScreenshotAsync("image page");
        user.AssertNoPageProblems();
    });
}
