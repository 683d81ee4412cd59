using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Layout;

/// <summary>The studio on a 390×844 touch screen.</summary>
[Collection(StudioCollection.Name)]
public sealed class PhoneLayoutTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task AMenuButtonOpensTheDrawerAndGenerateIsInReachWithoutScrolling() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenPhoneAsync("phone");
        await user.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        var create = new CreatePage(user);
        await create.OpenAsync();

        // Generate sits in the sticky bar at the bottom of the first screen; no keyboard hint on a touch screen.
        var box = await create.Generate.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y >= 0 && box.Y + box.Height <= 844, $"Generate is at y {box.Y}..{box.Y + box.Height} of an 844-px screen");
        Assert.Equal(0, await user.Page.EvaluateAsync<int>("() => window.scrollY"));
        await Expect(user.Page.GetByTestId("shortcut-hint")).ToBeHiddenAsync();
        await Expect(user.Page.Locator("nav.studio-nav-wide")).ToBeHiddenAsync();
        await Screenshots.ScreenAsync(user.Page, "phone-create-light");

        await user.Page.GetByTestId("menu-button").ClickAsync();
        var drawer = user.Page.GetByTestId("menu-drawer");
        await Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToBeVisibleAsync();
        await Screenshots.ScreenAsync(user.Page, "phone-menu-light");
        await drawer.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Expect(user.Page).ToHaveURLAsync(new Regex("/settings$"));
        await Expect(drawer).Not.ToHaveClassAsync(new Regex("mud-drawer--open"));

        // The API keys table keeps Revoke on the screen.
        await user.WaitUntilInteractiveAsync();
        var name = user.Page.GetByLabel("Name of the new key");
        await name.FillAsync("a phone's bot with a rather long name");
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var revoke = user.Page.GetByRole(AriaRole.Button, new() { Name = "Revoke" });
        await Expect(revoke).ToBeVisibleAsync();
        await revoke.ScrollIntoViewIfNeededAsync();
        var revokeBox = await revoke.BoundingBoxAsync();
        Assert.NotNull(revokeBox);
        Assert.True(revokeBox.X >= 0 && revokeBox.X + revokeBox.Width <= 390, $"Revoke spans x {revokeBox.X}..{revokeBox.X + revokeBox.Width} of 390 px");
        await user.ScreenshotAsync("api keys");
        user.AssertNoPageProblems();
    });
}
