using Microsoft.Playwright;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Generation;

[Collection(StudioCollection.Name)]
public sealed class InpaintTests(StudioFixture studio, ITestOutputHelper output)
{
    private static readonly Rgb24 Blue = new(20, 40, 230);

    [Fact]
    public Task UserPaintsAMaskAndOnlyThePaintedPartIsRepainted() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("inpaint");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "a red circle on a blue background";
        await create.Prompt.FillAsync(prompt);
        // A fixed seed: the tiny model draws the asked-for shape on most seeds, not all, and the test must not depend on luck.
        await user.Page.GetByLabel("Seed", new() { Exact = true }).FillAsync("1");
        await user.Page.GetByLabel("Init image", new() { Exact = true }).SetInputFilesAsync(new FilePayload
        {
            Name = "blue.png", MimeType = "image/png", Buffer = SolidPng(64, 64, Blue),
        });
        await user.Page.GetByLabel("Denoising strength", new() { Exact = true }).FillAsync("1");
        await user.Page.GetByLabel("Inpaint", new() { Exact = true }).CheckAsync();

        // Strokes of the 8-pixel brush across the middle paint about x, y 22–42 of the 64×64 picture.
        var canvas = user.Page.GetByTestId("mask-canvas");
        await Expect(canvas).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The mouse works in the viewport: the canvas must be on screen.
        await canvas.ScrollIntoViewIfNeededAsync();
        var box = (await canvas.BoundingBoxAsync())!;
        float X(double imageX) => (float)(box.X + imageX * box.Width / 64);
        float Y(double imageY) => (float)(box.Y + imageY * box.Height / 64);
        for (var y = 26; y <= 38; y += 3)
        {
            await user.Page.Mouse.MoveAsync(X(26), Y(y));
            await user.Page.Mouse.DownAsync();
            await user.Page.Mouse.MoveAsync(X(38), Y(y), new() { Steps = 4 });
            await user.Page.Mouse.UpAsync();
        }

        await Expect(user.Page.GetByTestId("mask-state")).ToHaveTextAsync("Mask ready.", new() { Timeout = 30_000 });
        await user.ScreenshotAsync("mask painted");
        var before = await create.Results.CountAsync();
        await create.Generate.ClickAsync();
        await Expect(create.Results).ToHaveCountAsync(before + 1, new() { Timeout = 60_000 });
        var imageId = CreatePage.ImageIdOf(await create.Results.First.GetAttributeAsync("href"));

        var (status, png) = await user.FetchAsync(CreatePage.FileUrl(imageId));
        Assert.Equal(200, status);
        using var image = Image.Load<Rgb24>(png);
        Assert.Equal((64, 64), (image.Width, image.Height));
        var red = 0;
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                // The painted square and the mask blur's 10 pixels around it may change; everything else is the init image.
                if (x is < 11 or > 53 || y is < 11 or > 53)
                {
                    Assert.Equal(Blue, image[x, y]);
                }
                else if (x is >= 26 and <= 38 && y is >= 26 and <= 38 && image[x, y] is { R: > 150, G: < 100, B: < 100 })
                {
                    red++;
                }
            }
        }

        Assert.True(red > 13 * 13 / 2, $"{red} of 169 pixels in the painted square are red");
        await user.ScreenshotAsync("inpainted");

        // From the result, "Send to inpaint" starts again from that image with the brush open.
        await user.Page.GetByTestId("send-to-inpaint").First.ClickAsync();
        await Expect(user.Page.GetByTestId("inpaint-panel")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(user.Page.GetByTestId("mask-state")).ToHaveTextAsync("Paint over the part to repaint.");
        await Expect(user.Page.GetByAltText("Init image preview")).ToHaveAttributeAsync("src", "data:image/png;base64," + Convert.ToBase64String(png), new() { Timeout = 30_000 });
        user.AssertNoPageProblems();
    });

    [Fact]
    public Task TheImagePageSendsItsImageToImg2Img() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("send-to-img2img");
        var imageId = await new CreatePage(user).GenerateAsync("a green square on a black background");
        // A click before the page's circuit is up can be lost to Blazor starting: open it interactive first.
        await user.OpenInteractiveAsync($"/images/{imageId}");

        await user.Page.GetByRole(AriaRole.Link, new() { Name = "Send to img2img" }).ClickAsync();
        await user.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("send=img2img"));
        await user.WaitUntilInteractiveAsync();

        var (_, png) = await user.FetchAsync(CreatePage.FileUrl(imageId));
        await Expect(user.Page.GetByAltText("Init image preview")).ToHaveAttributeAsync("src", "data:image/png;base64," + Convert.ToBase64String(png), new() { Timeout = 30_000 });
        await Expect(user.Page.GetByLabel("Prompt", new() { Exact = true })).ToHaveValueAsync("a green square on a black background");
        await Expect(user.Page.GetByTestId("inpaint-panel")).ToHaveCountAsync(0);
        user.AssertNoPageProblems();
    });

    [Fact]
    public Task UserExtendsTheCanvasDownAndTheNewMarginIsPainted() => studio.RunAsync(output, async () =>
    {
        await using var user = await studio.OpenBrowserAsync("outpaint");
        var create = new CreatePage(user);
        await create.OpenAsync();
        await create.Prompt.FillAsync("a red circle on a blue background");
        await user.Page.GetByLabel("Init image", new() { Exact = true }).SetInputFilesAsync(new FilePayload
        {
            Name = "wide.png", MimeType = "image/png", Buffer = SolidPng(64, 48, Blue),
        });
        await user.Page.GetByLabel("Inpaint", new() { Exact = true }).CheckAsync();
        await user.Page.GetByLabel("Extend canvas by, pixels", new() { Exact = true }).FillAsync("16");

        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Extend down" }).ClickAsync();

        await Expect(user.Page.GetByLabel("Height", new() { Exact = true })).ToHaveValueAsync("64");
        await Expect(user.Page.GetByTestId("mask-state")).ToHaveTextAsync("Mask ready.", new() { Timeout = 30_000 });
        await user.ScreenshotAsync("canvas extended");
        var before = await create.Results.CountAsync();
        await create.Generate.ClickAsync();
        await Expect(create.Results).ToHaveCountAsync(before + 1, new() { Timeout = 60_000 });
        var (_, png) = await user.FetchAsync(CreatePage.FileUrl(CreatePage.ImageIdOf(await create.Results.First.GetAttributeAsync("href"))));
        using var image = Image.Load<Rgb24>(png);
        Assert.Equal((64, 64), (image.Width, image.Height));
        for (var y = 0; y < 48 - 11; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                Assert.Equal(Blue, image[x, y]);
            }
        }

        user.AssertNoPageProblems();
    });

    private static byte[] SolidPng(int width, int height, Rgb24 colour)
    {
        using var image = new Image<Rgb24>(width, height, colour);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
