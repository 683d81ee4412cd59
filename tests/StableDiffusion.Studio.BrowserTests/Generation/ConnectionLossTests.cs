using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

/// <summary>Jobs belong to the queue, not to a tab: losing the page or the network mid-job loses nothing.</summary>
[Collection(StudioCollection.Name)]
public sealed class ConnectionLossTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task AJobWhoseTabWasClosedFinishesAndANewTabShowsItsImage() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("closer");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "a square nobody watched finish";
        await StartLongJobAsync(create, prompt);
        var started = DateTime.UtcNow;

        await user.Page.CloseAsync();
        var tab = await user.Context.NewPageAsync();
        await tab.GotoAsync("/");

        var result = tab.GetByTestId("result-image");
        await Expect(result).ToHaveCountAsync(1);
        await Expect(result.Locator("img")).ToHaveAttributeAsync("alt", new Regex(Regex.Escape(prompt)));
        output.WriteLine($"The new tab showed the image {(DateTime.UtcNow - started).TotalSeconds:0.0} s after the first closed.");
    });

    [Fact]
    public Task AfterTenSecondsWithoutNetworkThePageComesBackByItselfWithTheJobFinished() => studio.RunAsync(output, async () =>
    {
        await using var link = new NetworkLink(studio.Server.BaseAddress);
        await using var user = await studio.OpenBrowserAsync("offline");
        var create = new CreatePage(user);
        await user.Page.GotoAsync(new Uri(link.BaseAddress, "/").ToString());
        await user.WaitUntilInteractiveAsync();
        const string prompt = "a square finished while offline";
        await StartLongJobAsync(create, prompt);
        // A reload would make a new document; this marker on the old one tells whether the circuit survived.
        await user.Page.EvaluateAsync("() => window.studioSameDocument = true");

        link.Cut();
        // The reconnect box says what is happening and that the form is safe.
        var reconnecting = user.Page.GetByText("Connection to the studio lost — reconnecting… Your prompt and settings are kept in this browser.");
        await Expect(reconnecting).ToBeVisibleAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        // The job has most likely finished by now (150 steps take a few seconds), but a page without its connection cannot know.
        Assert.Equal(0, await create.Results.CountAsync());
        link.Restore();
        var online = DateTime.UtcNow;

        await Expect(create.Results).ToHaveCountAsync(1);
        await Expect(create.Results.Locator("img")).ToHaveAttributeAsync("alt", new Regex(Regex.Escape(prompt)));
        await Expect(user.Page.GetByTestId("job-progress")).ToHaveCountAsync(0);
        await Expect(reconnecting).ToBeHiddenAsync();
        var sameDocument = await user.Page.EvaluateAsync<bool>("() => window.studioSameDocument === true");
        output.WriteLine($"Same document after the drop: {sameDocument}; the result showed {(DateTime.UtcNow - online).TotalSeconds:0.0} s after the network came back.");
        Assert.True(sameDocument, "The page reloaded: the circuit should survive ten seconds without network.");
    });

    /// <summary>Submits a job of many steps and waits until it runs, so what follows happens in the middle of it.</summary>
    private static async Task StartLongJobAsync(CreatePage create, string prompt)
    {
        await create.Prompt.FillAsync(prompt);
        await create.Steps.FillAsync("150");
        await create.SetSizeAsync(192);
        await create.Generate.ClickAsync();
        await Expect(create.StepText).ToBeVisibleAsync();
    }
}
