using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Sharing;

[Collection(StudioCollection.Name)]
public sealed class ShareLinkTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task ShareLinkShowsTheImageInAnotherBrowserUntilItIsRevoked() => studio.RunAsync(output, async () =>
    {
        const string prompt = "a shared green triangle";
        await using var owner = await studio.OpenBrowserAsync("share-owner");
        var imageId = await new CreatePage(owner).GenerateAsync(prompt);

        await new CreatePage(owner).OpenNewestResultPageAsync();
        await Expect(owner.Page).ToHaveURLAsync(new Regex($"/images/{imageId}$"));
        await Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "Image", Exact = true })).ToBeVisibleAsync();
        await owner.WaitUntilInteractiveAsync();
        await owner.ScreenshotAsync("image detail");

        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        var linkField = owner.Page.GetByLabel("Share link");
        await Expect(linkField).ToHaveValueAsync(new Regex("/s/[^/]+$"));
        var link = await linkField.InputValueAsync();
        await owner.ScreenshotAsync("link created");
        var (_, original) = await owner.FetchAsync(CreatePage.FileUrl(imageId));

        // A separate Chromium with its own profile: a stranger holding only the link.
        await using var visitor = await studio.OpenBrowserAsync("share-visitor");
        var opened = await visitor.Page.GotoAsync(link);
        Assert.Equal(200, opened?.Status);
        var shared = visitor.Page.GetByRole(AriaRole.Img, new() { Name = prompt });
        await Expect(shared).ToBeVisibleAsync();
        await Expect(shared).Not.ToHaveJSPropertyAsync("naturalWidth", 0);
        await visitor.ScreenshotAsync("shared page");
        var sharedSrc = await shared.GetAttributeAsync("src");
        Assert.NotNull(sharedSrc);
        var (status, bytes) = await visitor.FetchAsync(sharedSrc);
        Assert.Equal(200, status);
        Assert.Equal(original, bytes);

        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(owner.Page.GetByTestId("share-link")).ToHaveCountAsync(0);
        await Expect(owner.Page.GetByText("Link revoked")).ToBeVisibleAsync();
        await owner.ScreenshotAsync("link revoked");

        var revoked = await visitor.Page.GotoAsync(link);
        Assert.Equal(404, revoked?.Status);
        await Expect(visitor.Page.GetByRole(AriaRole.Heading, new() { Name = "This link was revoked or never existed" })).ToBeVisibleAsync();
        await Expect(visitor.Page.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await Expect(visitor.Page.GetByRole(AriaRole.Img, new() { Name = prompt })).ToHaveCountAsync(0);
        await visitor.ScreenshotAsync("revoked link");
        Assert.Equal(404, (await visitor.FetchAsync(sharedSrc)).Status);
        owner.AssertNoPageProblems();
        visitor.AssertNoPageProblems();
    });
}
