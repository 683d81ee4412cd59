using System.Buffers.Binary;
using System.Text.RegularExpressions;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed partial class GenerateTests(StudioFixture studio, ITestOutputHelper output)
{
    // Records every "Step x/y" the page shows: a fast job can pass a state between two polls of an assertion.
    private const string RecordProgress = """
        () => {
          const seen = window.studioStepsSeen = [];
          const record = () => {
            for (const el of document.querySelectorAll('[data-testid=step-text]')) {
              const text = el.textContent.trim();
              if (seen[seen.length - 1] !== text) seen.push(text);
            }
          };
          new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """;

    [Fact]
    public Task UserTypesAPromptPressesGenerateSeesProgressAdvanceAndTheImageAppear() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("generate");
        var create = new CreatePage(user);
        await create.OpenAsync();
        await user.ScreenshotAsync("create page");

        const string prompt = "a red circle on a blue square";
        await create.Prompt.FillAsync(prompt);
        // The most steps allowed, so the job runs long enough to show several progress updates on a fast machine.
        await create.Steps.FillAsync("150");
        await user.Page.EvaluateAsync(RecordProgress);
        await create.Generate.ClickAsync();
        await user.Page.WaitForFunctionAsync("() => window.studioStepsSeen.length > 0");
        await user.ScreenshotAsync("generating");

        var image = create.Results.First.Locator("img");
        await Expect(image).ToBeVisibleAsync();
        await Expect(image).ToHaveAttributeAsync("alt", new Regex(Regex.Escape(prompt)));
        await user.ScreenshotAsync("result");

        var src = await image.GetAttributeAsync("src");
        Assert.NotNull(src);
        var (status, png) = await user.FetchAsync(src);
        Assert.Equal(200, status);
        Assert.True(png.Length > 24 && png.AsSpan(1, 3).SequenceEqual("PNG"u8), "The result's src does not serve a PNG.");
        // The browser really loaded it: the decoded width is the PNG's own (IHDR width, big-endian at byte 16).
        await image.ScrollIntoViewIfNeededAsync();
        await Expect(image).ToHaveJSPropertyAsync("naturalWidth", BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));

        var seen = await user.Page.EvaluateAsync<string[]>("() => window.studioStepsSeen");
        output.WriteLine("Progress seen: " + string.Join(" | ", seen));
        var steps = seen.Select(s => StepText().Match(s)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.True(steps.Distinct().Count() >= 2, $"Progress did not advance on the page; it showed: {string.Join(" | ", seen)}");
        Assert.Equal(steps.Order(), steps);
        Assert.All(seen, s => Assert.Matches(StepText(), s));
        user.AssertNoPageProblems();
    });

    [GeneratedRegex(@"^Step (\d+)/150$")]
    private static partial Regex StepText();
}
