using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed class SkipTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task SkipEndsTheRunningImageOfABatchAndTheJobFinishesWithTheNext() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("skip");
        var create = new CreatePage(user);
        await create.OpenAsync();
        var before = await create.Results.CountAsync();

        await create.Prompt.FillAsync("a yellow triangle on a black background");
        // The first image must still be running when Skip arrives.
        await create.Steps.FillAsync("150");
        await create.SetSizeAsync(192);
        await user.Page.GetByLabel("Batch count", new() { Exact = true }).FillAsync("2");
        await create.Generate.ClickAsync();
        await Expect(create.StepText).ToHaveTextAsync(new Regex(@"^Image 1/2, step \d+/150$"));
        await user.ScreenshotAsync("first image running");
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Skip", Exact = true }).ClickAsync();

        await Expect(create.StepText).ToHaveTextAsync(new Regex(@"^Image 2/2, step \d+/150$"));
        await Expect(create.Results).ToHaveCountAsync(before + 2, new() { Timeout = 120_000 });
        await create.OpenNewestResultPageAsync();
        await Expect(user.Page.GetByRole(AriaRole.Row, new() { Name = "Warnings" })).ToContainTextAsync("Image 1 was skipped after");
        await user.ScreenshotAsync("image page with the skip warning");
        user.AssertNoPageProblems();
    });
}
