using System.Text.RegularExpressions;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed partial class HiresTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task UserTicksHiresFixAndGetsTheDoubledImageWithProgressOverBothPasses() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("hires");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "a blue circle, upscaled";
        await create.Prompt.FillAsync(prompt);
        await create.Steps.FillAsync("3");

        await user.Page.GetByLabel("Hires. fix", new() { Exact = true }).CheckAsync();
        await user.Page.GetByLabel("Hires steps", new() { Exact = true }).FillAsync("2");
        await Expect(user.Page.GetByTestId("hires-size")).ToHaveTextAsync("From 64×64 to 128×128");
        await user.ScreenshotAsync("hires set");
        await user.Page.EvaluateAsync("""
            () => {
              const seen = window.studioStepsSeen = [];
              new MutationObserver(() => {
                for (const el of document.querySelectorAll('[data-testid=step-text]')) seen.push(el.textContent.trim());
              }).observe(document.body, { subtree: true, childList: true, characterData: true });
            }
            """);
        await create.Generate.ClickAsync();

        var image = create.Results.First.Locator("img");
        await Expect(image).ToHaveAttributeAsync("alt", new Regex(Regex.Escape(prompt)));
        await image.ScrollIntoViewIfNeededAsync();
        await Expect(image).ToHaveJSPropertyAsync("naturalWidth", 128);
        var seen = await user.Page.EvaluateAsync<string[]>("() => window.studioStepsSeen");
        output.WriteLine("Progress seen: " + string.Join(" | ", seen.Distinct()));
        Assert.All(seen.Where(s => s.StartsWith("Step", StringComparison.Ordinal)), s => Assert.Matches(StepOfFive(), s));

        await create.OpenNewestResultPageAsync();
        await Expect(user.Page.GetByRole(Microsoft.Playwright.AriaRole.Row, new() { Name = "Hires. fix" })).ToContainTextAsync("Latent, upscale by 2, 2 steps");
        await user.ScreenshotAsync("image page");
        user.AssertNoPageProblems();
    });

    [GeneratedRegex(@"^Step [0-5]/5$")]
    private static partial Regex StepOfFive();
}
