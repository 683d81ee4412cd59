using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Layout;

[Collection(StudioCollection.Name)]
public sealed class ThemeTests(StudioFixture studio, ITestOutputHelper output)
{
    // MudBlazor's default page backgrounds: white in the light palette, #32333d in the dark one.
    private const string Light = "rgb(255, 255, 255)";
    private const string Dark = "rgb(50, 51, 61)";

    [Fact]
    public Task TheThemeFollowsTheSystemUntilChosenAndTheChoiceIsRememberedOnTheNextVisit() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("theme");
        await user.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        var toggle = user.Page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" });

        await user.OpenInteractiveAsync("/gallery");
        await Expect(user.Page.Locator("body")).ToHaveCSSAsync("background-color", Light);
        await toggle.ClickAsync();
        await Expect(user.Page.Locator("body")).ToHaveCSSAsync("background-color", Dark);

        await user.OpenInteractiveAsync("/gallery");
        await Expect(user.Page.Locator("body")).ToHaveCSSAsync("background-color", Dark);
        await user.ScreenshotAsync("dark theme remembered");

        // A share page has no circuit: the saved theme, but no toggle that could not work.
        var missing = await user.Page.GotoAsync("/s/AAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(404, missing?.Status);
        await Expect(user.Page.Locator("body")).ToHaveCSSAsync("background-color", Dark);
        await Expect(user.Page.GetByTestId("share-gone")).ToBeVisibleAsync();
        await Expect(toggle).ToHaveCountAsync(0);
        await user.ScreenshotAsync("static not found page");
        user.AssertNoPageProblems();
    });
}
