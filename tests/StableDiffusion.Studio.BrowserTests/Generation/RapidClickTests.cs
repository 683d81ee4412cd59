using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed class RapidClickTests(StudioFixture studio, ITestOutputHelper output)
{
    [Fact]
    public Task TwentyClicksDispatchedAtOnceMakeOneJob() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("burst");
        var create = new CreatePage(user);
        await create.OpenAsync();
        await create.Prompt.FillAsync("one job from a burst of clicks");

        // All twenty reach the circuit before the first submission's answer can disable the button.
        await create.Generate.EvaluateAsync("button => { for (let i = 0; i < 20; i++) button.click(); }");

        await AssertOneJobAsync(user, create);
    });

    [Fact]
    public Task TwentyMouseClicksAsFastAsTheyComeMakeOneJob() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("clicker");
        var create = new CreatePage(user);
        await create.OpenAsync();
        await create.Prompt.FillAsync("one job from an impatient user");

        // Real mouse events, spread over the time a submission takes and past it: forced, so Playwright does not
        // wait for the button to be enabled again, as an impatient user would not. The form is taller than the
        // window, so the button is scrolled into view first, as a user would.
        await create.Generate.ScrollIntoViewIfNeededAsync();
        var box = await create.Generate.BoundingBoxAsync() ?? throw new InvalidOperationException("The Generate button has no box.");
        for (var i = 0; i < 20; i++)
        {
            await user.Page.Mouse.ClickAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        }

        await AssertOneJobAsync(user, create);
    });

    private async Task AssertOneJobAsync(BrowserUser user, CreatePage create)
    {
        // Let any late submission land before counting; then every job made has finished into the results.
        await Task.Delay(1000);
        await Expect(user.Page.GetByTestId("job-progress")).ToHaveCountAsync(0);
        await Expect(create.Results.First).ToBeVisibleAsync();
        await Task.Delay(500);
        var made = await create.Results.CountAsync();
        output.WriteLine($"Jobs made by 20 clicks: {made}");
        Assert.Equal(1, made);
        user.AssertNoPageProblems();
    }
}
