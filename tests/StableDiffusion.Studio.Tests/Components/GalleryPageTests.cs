using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Storage;
using StableDiffusion.Studio.Tests.Infrastructure;
using GalleryPage = StableDiffusion.Studio.Components.Pages.Gallery;

namespace StableDiffusion.Studio.Tests.Components;

/// <summary>The Gallery page in bUnit on a real studio's library, with the page number and filters in the URL.</summary>
public sealed class GalleryPageTests
{
    [Fact]
    public async Task ThePageNumberComesFromTheUrlWithTheTotalAndSelectedImagesDownloadAsOneZip()
    {
        using var studio = new StudioFactory();
        for (var i = 0; i < 26; i++)
        {
            var job = (await studio.Submission.SubmitAsync("alice", Settings.Valid($"shape {i}") with { Seed = i })).Queued();
            await studio.WaitForFinishAsync("alice", job.Id);
        }

        await using var bunit = PageContext(studio, "alice");
        var navigation = bunit.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/gallery?page=2");
        var page = bunit.Render<GalleryPage>();

        page.WaitForAssertion(() => Assert.Equal("26 images · page 2 of 2", page.Find("[data-testid=gallery-count]").TextContent));
        Assert.Equal(2, page.FindAll("[data-testid=gallery-item]").Count);

        await page.InvokeAsync(() => page.Find("[data-testid=select-page]").Click());
        var zip = page.Find("[data-testid=download-zip]").GetAttribute("href");
        Assert.Equal("2 selected", page.Find("[data-testid=selected-count]").TextContent.Trim());
        Assert.StartsWith("/files/images.zip?id=", zip);
        Assert.Equal(2, zip!.Split("id=").Length - 1);

        // Going to another page is a new URL, so reloading or going back lands on the same page.
        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() == "1").Click());
        Assert.EndsWith("/gallery", navigation.Uri);
        navigation.NavigateTo("/gallery?q=25");
        page.WaitForAssertion(() => Assert.Equal("1 image", page.Find("[data-testid=gallery-count]").TextContent));
    }

    private static BunitContext PageContext(StudioFactory studio, string userId)
    {
        var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(studio.Services.GetRequiredService<ImageLibrary>());
        bunit.Services.AddSingleton(studio.Services.GetRequiredService<StableDiffusion.Studio.Search.ImageSearch>());
        bunit.Services.AddSingleton(studio.Services.GetRequiredService<MissingImageFiles>());
        bunit.Services.AddScoped<CurrentUser>();
        var authorization = bunit.AddAuthorization();
        authorization.SetAuthorized(userId);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        bunit.SetRendererInfo(new RendererInfo("Server", true));
        return bunit;
    }
}
