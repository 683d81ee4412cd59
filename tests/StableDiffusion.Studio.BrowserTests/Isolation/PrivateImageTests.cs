using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Isolation;

[Collection(StudioCollection.Name)]
public sealed class PrivateImageTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task SecondUserCannotOpenFirstUsersImagePageOrFile() => studio.RunAsync(output, async () =>
    {
        const string prompt = "a private yellow star";
        await using var owner = await studio.OpenBrowserAsync("isolation-owner");
        var imageId = await new CreatePage(owner).GenerateAsync(prompt);
        Assert.Equal(200, (await owner.FetchAsync(CreatePage.FileUrl(imageId))).Status);
        var own = await owner.Page.GotoAsync($"/images/{imageId}");
        Assert.Equal(200, own?.Status);
        await Expect(owner.Page.GetByRole(AriaRole.Img, new() { Name = prompt })).ToBeVisibleAsync();

        await using var other = await studio.OpenBrowserAsync("isolation-other");
        var response = await other.Page.GotoAsync($"/images/{imageId}");
        await Expect(other.Page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
        await other.ScreenshotAsync("someone elses image");
        Assert.Equal(404, response?.Status);
        await Expect(other.Page.GetByText(prompt)).ToHaveCountAsync(0);
        await Expect(other.Page.Locator($"img[src*='{imageId}']")).ToHaveCountAsync(0);
        Assert.Equal(404, (await other.FetchAsync(CreatePage.FileUrl(imageId))).Status);
        owner.AssertNoPageProblems();
        other.AssertNoPageProblems();
    });
}
