using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed class ComponentSwapTests(StudioFixture studio, ITestOutputHelper output)
{
    private const string Vae = "tiny-shapes-vae-sharp";

    [Fact]
    public Task UserPicksTheSharpVaeOnCreateTheImagePageRecordsItAndUseSettingsBringsItBack() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("component-swap");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "three red triangles, crisp edges";
        await create.Prompt.FillAsync(prompt);

        await user.Page.GetByTestId("vae").ClickAsync();
        // Only the parts that fit the model are offered: the shipped VAE, beside "From the model".
        await Expect(user.Page.GetByRole(AriaRole.Option, new() { Name = "From the model", Exact = true })).ToBeVisibleAsync();
        await user.Page.GetByRole(AriaRole.Option, new() { Name = Vae, Exact = true }).ClickAsync();
        await user.ScreenshotAsync("vae chosen");
        await create.Generate.ClickAsync();

        await Expect(create.Results.First.Locator("img")).ToHaveAttributeAsync("alt", new System.Text.RegularExpressions.Regex(prompt));
        await create.OpenNewestResultPageAsync();
        await Expect(user.Page.GetByRole(AriaRole.Row, new() { Name = "VAE" })).ToContainTextAsync(Vae);
        await Expect(user.Page.GetByRole(AriaRole.Row, new() { Name = "Text encoder" })).ToHaveCountAsync(0);
        await user.ScreenshotAsync("image page");

        // "Use these settings" brings the VAE back into the form with the rest.
        await user.Page.GetByRole(AriaRole.Link, new() { Name = "Use these settings" }).ClickAsync();
        await create.WaitUntilReadyAsync();
        await Expect(user.Page.GetByLabel("VAE", new() { Exact = true })).ToHaveValueAsync(Vae);
        await Expect(user.Page.GetByLabel("Text encoder", new() { Exact = true })).ToHaveValueAsync("From the model");
        await user.ScreenshotAsync("settings used");
        user.AssertNoPageProblems();
    });
}
