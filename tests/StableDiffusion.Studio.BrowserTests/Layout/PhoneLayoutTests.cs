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

    [Fact]
    public Task AScreenReaderMeetsOneMainNavigationAndTheOpenDrawersLinksAreReachableByKeyboard() => studio.RunAsync(output, async () =>
    {
        // On a wide screen the bar's links are the one navigation: the closed drawer is not a second one.
        await using (var desktop = await studio.OpenBrowserAsync("navigation-desktop"))
        {
            await desktop.Page.SetViewportSizeAsync(1440, 900);
            await desktop.OpenInteractiveAsync("/");
            var navigations = desktop.Page.GetByRole(AriaRole.Navigation);
            await Expect(navigations).ToHaveCountAsync(1);
            await Expect(navigations.GetByRole(AriaRole.Link, new() { Name = "Gallery" })).ToBeVisibleAsync();
            await Expect(desktop.Page.GetByTestId("menu-drawer").GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
            Assert.Equal(1, await NavigationLandmarksInChromiumAsync(desktop));
            desktop.AssertNoPageProblems();
        }

        // On a phone the bar's links are hidden and the drawer is closed: the menu button is the way in, the drawer's
        // links are not read out (nor tabbed to) before it opens.
        await using var user = await studio.OpenPhoneAsync("navigation-phone");
        await user.OpenInteractiveAsync("/");
        var navigation = user.Page.GetByRole(AriaRole.Navigation);
        await Expect(navigation).ToHaveCountAsync(0);
        Assert.Equal(0, await NavigationLandmarksInChromiumAsync(user));
        var menu = user.Page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await menu.FocusAsync();
        await user.Page.Keyboard.PressAsync("Enter");
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(navigation).ToHaveCountAsync(1);
        await Expect(navigation).ToHaveAccessibleNameAsync("Main");
        var gallery = navigation.GetByRole(AriaRole.Link, new() { Name = "Gallery" });
        await Expect(gallery).ToBeVisibleAsync();
        Assert.Equal(1, await NavigationLandmarksInChromiumAsync(user));

        // Tab from the menu button passes the bar's last controls and reaches the drawer's links.
        var presses = 0;
        while (presses < 8 && !await gallery.EvaluateAsync<bool>("link => link === document.activeElement"))
        {
            await user.Page.Keyboard.PressAsync("Tab");
            presses++;
        }

        await Expect(gallery).ToBeFocusedAsync();
        await Screenshots.ScreenAsync(user.Page, "phone-menu-keyboard");
        await user.Page.Keyboard.PressAsync("Enter");
        await Expect(user.Page).ToHaveURLAsync(new Regex("/gallery$"));
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(navigation).ToHaveCountAsync(0);
        user.AssertNoPageProblems();
    });

    /// <summary>The navigation landmarks in Chromium's own accessibility tree, the one a screen reader is given.</summary>
    private static async Task<int> NavigationLandmarksInChromiumAsync(BrowserUser user)
    {
        var devTools = await user.Context.NewCDPSessionAsync(user.Page);
        var tree = await devTools.SendAsync("Accessibility.getFullAXTree");
        Assert.NotNull(tree);
        return tree.Value.GetProperty("nodes").EnumerateArray().Count(node =>
            !(node.TryGetProperty("ignored", out var ignored) && ignored.GetBoolean())
            && node.TryGetProperty("role", out var role) && role.GetProperty("value").GetString() == "navigation");
    }
}
