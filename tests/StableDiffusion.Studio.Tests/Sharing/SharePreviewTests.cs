using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Sharing;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Sharing;

public sealed class SharePreviewTests : IClassFixture<StudioFactory>
{
    private readonly StudioFactory studio;
    private readonly ShareLinkService links;

    public SharePreviewTests(StudioFactory studio)
    {
        this.studio = studio;
        links = studio.Services.GetRequiredService<ShareLinkService>();
    }

    [Fact]
    public async Task ASmallSharedImageUnfurlsAsAPixelScaledPreviewAtLeast512Wide()
    {
        var job = await studio.GenerateAsync("alice", "a tiny preview");
        var token = await links.CreateForImageAsync("alice", job.Images[0].Id);
        var stranger = studio.CreateClientFor("stranger");

        var html = await stranger.GetStringAsync($"/s/{token}");
        using var preview = await stranger.GetAsync(ShareEndpoints.PreviewUrl(token!));
        using var image = Image.Load<Rgba32>(await preview.Content.ReadAsByteArrayAsync());

        // 64 px × 8 = 512: whole pixels, so each source pixel is an 8×8 block of one colour.
        Assert.Equal((512, 512), (image.Width, image.Height));
        Assert.Equal(image[0, 0], image[7, 7]);
        Assert.Contains("property=\"og:image:width\" content=\"512\"", html);
        Assert.Contains("public", preview.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task ASharedComparisonUnfurlsAsItsGridAndTheRecipientCanDownloadAndOpenItsSettings()
    {
        var comparisons = studio.Services.GetRequiredService<ComparisonService>();
        var (comparison, result) = await comparisons.CreateAsync("alice",
            new ComparisonRequest(Settings.Valid("grid preview"), new AxisInput(AxisKind.Seed, "1-4"), new AxisInput(AxisKind.GuidanceScale, "3, 9")));
        foreach (var job in Assert.IsType<SubmitOutcome.Queued>(result).Jobs)
        {
            await studio.WaitForFinishAsync("alice", job.Id);
        }

        var token = (await links.CreateForComparisonAsync("alice", comparison!.Id))!;
        var stranger = studio.CreateClientFor("stranger");

        using var preview = Image.Load<Rgba32>(await stranger.GetByteArrayAsync(ShareEndpoints.PreviewUrl(token)));
        using var download = await stranger.GetAsync(ShareEndpoints.DownloadUrl(token));
        var html = await stranger.GetStringAsync($"/s/{token}");

        // The grid with its labels: 4 columns × 2 rows of 64-px cells scaled ×2 with 4-px gaps, a 120-px band of row
        // labels, a 48-px band of column labels and an 8-px margin.
        Assert.Equal((8 + 120 + (4 * 128) + (3 * 4) + 8, 8 + 48 + (2 * 128) + 4 + 8), (preview.Width, preview.Height));
        Assert.Contains($"property=\"og:image:width\" content=\"{preview.Width}\"", html);
        Assert.Contains("Common settings", html);
        Assert.Contains("X: Seed", html);
        Assert.Contains("Y: CFG scale", html);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".png", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains($"href=\"/?share={token}\"", html);
        Assert.Contains("Open in the studio with these settings", html);

        var opened = await NewSettingsAsync("stranger", $"/?share={token}");
        Assert.Equal(("grid preview", 1L), (opened.Prompt, opened.Seed));
    }

    [Fact]
    public async Task ARevokedLinkSaysSoWithoutLinksIntoTheStudio()
    {
        var job = await studio.GenerateAsync("alice", "revoked preview");
        var token = (await links.CreateForImageAsync("alice", job.Images[0].Id))!;
        await links.RevokeAsync("alice", (await links.ListActiveAsync("alice", job.Images[0].Id, null)).Single().Id);
        var stranger = studio.CreateClientFor("stranger");

        using var page = await stranger.GetAsync($"/s/{token}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("This link was revoked or never existed", html);
        Assert.DoesNotMatch("<a [^>]*href=\"/(gallery|compare)?\"", html);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(ShareEndpoints.PreviewUrl(token))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(ShareEndpoints.DownloadUrl(token))).StatusCode);
    }

    private async Task<StableDiffusion.Inference.Pipeline.GenerationSettings> NewSettingsAsync(string userId, string relativeUrl)
    {
        await using var scope = studio.Services.CreateAsyncScope();
        var authentication = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(StudioIdentity.CreatePrincipal(userId))));
        ((IHostEnvironmentNavigationManager)scope.ServiceProvider.GetRequiredService<NavigationManager>())
            .Initialize("http://localhost/", "http://localhost" + relativeUrl);
        return await scope.ServiceProvider.GetRequiredService<GenerationService>().NewSettingsAsync();
    }
}
