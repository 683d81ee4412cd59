using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

/// <summary>Create as a newcomer meets it: what the model draws, the newest result large, the viewer, and a form that outlives a reload.</summary>
[Collection(StudioCollection.Name)]
public sealed class CreatePageTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task AnExampleChipFillsThePromptAndASizeFarFromTheModelsOwnIsWarnedAbout() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("create-guide");
        var create = new CreatePage(user);
        await create.OpenAsync();
        await Expect(user.Page.GetByTestId("model-description")).ToContainTextAsync("64×64 pictures of one to three circles, squares or triangles");
        await Expect(create.Prompt).ToHaveAttributeAsync("placeholder", new Regex("e\\.g\\. a red circle on a blue background"));

        var chip = user.Page.GetByTestId("example-prompt").Nth(1);
        var example = (await chip.InnerTextAsync()).Trim();
        await create.Prompt.FillAsync("words the model does not know");
        await chip.ClickAsync();
        await Expect(create.Prompt).ToHaveValueAsync(example);
        await Expect(user.Page.GetByTestId("size-warning")).ToHaveCountAsync(0);

        foreach (var side in new[] { "Width", "Height" })
        {
            var field = user.Page.GetByLabel(side, new() { Exact = true });
            await field.FillAsync("512");
            await field.PressAsync("Tab");
        }

        await Expect(user.Page.GetByTestId("size-warning")).ToHaveTextAsync("This model was trained at 64×64; 512×512 will be slow and won't look right.");
        await user.ScreenshotAsync("example used, size warned");
        user.AssertNoPageProblems();
    });

    [Fact]
    public Task TheNewestResultShowsLargeWithItsSeedAndTheViewerStepsWithTheArrowKeys() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("create-results");
        await user.Page.SetViewportSizeAsync(1440, 900);
        await user.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        var create = new CreatePage(user);
        await create.GenerateAsync("a red circle on a blue background");
        var newest = await create.GenerateAsync("two yellow squares on a black background");

        var latest = user.Page.GetByTestId("latest-image");
        await Expect(latest).ToHaveAttributeAsync("src", CreatePage.FileUrl(newest));
        await Expect(latest).Not.ToHaveJSPropertyAsync("naturalWidth", 0);
        var (natural, shown) = (await latest.EvaluateAsync<int>("i => i.naturalWidth"), await latest.EvaluateAsync<int>("i => i.clientWidth"));
        Assert.True(shown >= 4 * natural, $"the {natural}-px image is shown {shown} px wide");
        Assert.Equal(0, shown % natural);
        await Expect(latest).ToHaveCSSAsync("image-rendering", "pixelated");
        await Expect(user.Page.GetByTestId("latest-seed")).ToHaveTextAsync(new Regex(@"^Seed \d+$"));
        await Expect(user.Page.GetByTestId("latest-settings")).ToContainTextAsync("64×64 · 25 steps · CFG 2");
        foreach (var action in new[] { "Use settings", "Send to img2img", "Send to inpaint", "Share", "Download", "Delete" })
        {
            await Expect(user.Page.GetByTestId("latest-result").GetByRole(AriaRole.Button, new() { Name = action, Exact = true })
                .Or(user.Page.GetByTestId("latest-result").GetByRole(AriaRole.Link, new() { Name = action, Exact = true }))).ToBeVisibleAsync();
        }

        await user.ScreenshotAsync("newest result large");
        await Screenshots.ScreenAsync(user.Page, "create-desktop-light");

        // The thumbnails open the viewer; the arrow keys step through them and Esc closes it.
        var thumbnail = create.Results.Nth(1);
        await user.OpenViewerAsync(thumbnail);
        var lightbox = user.Page.GetByTestId("lightbox");
        var position = user.Page.GetByTestId("lightbox-position");
        await Expect(position).ToContainTextAsync("2 of 2");
        // The viewer takes the focus as it opens, so the keys reach it.
        var focusInViewer = user.Page.Locator("[data-lightbox]:focus-within");
        await Expect(focusInViewer).ToHaveCountAsync(1);
        await user.Page.Keyboard.PressAsync("ArrowLeft");
        await Expect(position).ToContainTextAsync("1 of 2");
        await Expect(user.Page.GetByTestId("lightbox-image")).ToHaveAttributeAsync("data-image-id", newest.ToString());
        await Expect(user.Page.GetByTestId("lightbox-image")).ToHaveCSSAsync("image-rendering", "pixelated");
        await user.ScreenshotAsync("viewer");
        await user.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(position).ToContainTextAsync("2 of 2");

        // A modal viewer keeps the focus: Tab goes round its controls (Next is disabled on the last image) and Shift+Tab
        // back, never out to the page behind.
        var previous = user.Page.GetByTestId("lightbox-previous");
        var openPage = user.Page.GetByTestId("lightbox-open-page");
        var close = user.Page.GetByTestId("lightbox-close");
        foreach (var control in new[] { previous, openPage, close, previous, openPage, close, previous })
        {
            await user.Page.Keyboard.PressAsync("Tab");
            await Expect(control).ToBeFocusedAsync();
        }

        foreach (var control in new[] { close, openPage, previous, close })
        {
            await user.Page.Keyboard.PressAsync("Shift+Tab");
            await Expect(control).ToBeFocusedAsync();
        }

        // Previous pressed on the second image disables itself on the first: the focus goes to Next, not to the page.
        await previous.FocusAsync();
        await user.Page.Keyboard.PressAsync("Enter");
        await Expect(position).ToContainTextAsync("1 of 2");
        await Expect(user.Page.GetByTestId("lightbox-next")).ToBeFocusedAsync();
        await user.Page.Keyboard.PressAsync("Enter");
        await Expect(position).ToContainTextAsync("2 of 2");
        await Expect(previous).ToBeFocusedAsync();

        // The arrow keys do the same: Left from Previous to the first image disables Previous, and the focus goes to Next.
        await user.Page.Keyboard.PressAsync("ArrowLeft");
        await Expect(position).ToContainTextAsync("1 of 2");
        await Expect(user.Page.GetByTestId("lightbox-next")).ToBeFocusedAsync();
        await user.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(position).ToContainTextAsync("2 of 2");
        await Expect(previous).ToBeFocusedAsync();

        // Closed, the viewer gives the focus back to the thumbnail that opened it.
        await user.Page.Keyboard.PressAsync("Escape");
        await Expect(lightbox).ToHaveCountAsync(0);
        await Expect(thumbnail).ToBeFocusedAsync();

        // "Use settings" puts the newest result's prompt and seed back in the form.
        await create.Prompt.FillAsync("something else");
        await user.Page.GetByTestId("use-settings").ClickAsync();
        await Expect(create.Prompt).ToHaveValueAsync("two yellow squares on a black background");

        // Clear empties the list here; the Gallery keeps the images, and its grid opens the same viewer.
        await user.Page.GetByTestId("clear-results").ClickAsync();
        await Expect(create.Results).ToHaveCountAsync(0);
        await create.OpenAsync();
        await Expect(create.Results).ToHaveCountAsync(0);
        await user.OpenInteractiveAsync("/gallery");
        await user.OpenViewerAsync(user.Page.GetByTestId("gallery-open").First);
        await Expect(position).ToContainTextAsync("1 of 2");
        await Expect(focusInViewer).ToHaveCountAsync(1);
        await user.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(position).ToContainTextAsync("2 of 2");
        await user.ScreenshotAsync("gallery viewer");
        // Closed with its button, the viewer also hands the focus back; Enter on that thumbnail opens it again.
        await user.Page.GetByTestId("lightbox-close").ClickAsync();
        await Expect(lightbox).ToHaveCountAsync(0);
        await Expect(user.Page.GetByTestId("gallery-open").First).ToBeFocusedAsync();
        await user.Page.Keyboard.PressAsync("Enter");
        await Expect(position).ToContainTextAsync("1 of 2");
        await user.Page.GetByTestId("lightbox-open-page").ClickAsync();
        await Expect(user.Page).ToHaveURLAsync(new Regex("/images/[0-9a-f-]{36}$"));
        await user.WaitUntilInteractiveAsync();
        await Expect(user.Page.GetByTestId("full-image")).Not.ToHaveJSPropertyAsync("naturalWidth", 0);
        await Screenshots.ScreenAsync(user.Page, "image-page-desktop-light");
        user.AssertNoPageProblems();
    });

    [Fact]
    public Task TheTypedPromptAndAChangedSettingSurviveAReload() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("create-kept");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "three green triangles on a white background, typed but not sent";
        await create.Prompt.FillAsync(prompt);
        await create.Steps.FillAsync("13");
        await create.Steps.PressAsync("Tab");
        // Saved as it changes: wait until the browser holds it, then reload as a person would.
        await user.Page.WaitForFunctionAsync("() => (localStorage.getItem('studio.create.form') || '').includes('\"steps\":13')");

        await user.Page.ReloadAsync();
        await user.WaitUntilInteractiveAsync();
        await create.WaitUntilReadyAsync();

        await Expect(create.Prompt).ToHaveValueAsync(prompt);
        await Expect(create.Steps).ToHaveValueAsync("13");
        await user.ScreenshotAsync("form back after reload");
        user.AssertNoPageProblems();
    });
}
