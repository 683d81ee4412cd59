using StableDiffusion.Studio.Queue;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Sharing;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Sharing;

public sealed class ShareLinkTests : IClassFixture<StudioFactory>
{
    private readonly StudioFactory studio;
    private readonly ShareLinkService links;

    public ShareLinkTests(StudioFactory studio)
    {
        this.studio = studio;
        links = studio.Services.GetRequiredService<ShareLinkService>();
    }

    [Fact]
    public async Task ASharedImageOpensForAnyoneWithOpenGraphTagsAndStopsWhenRevoked()
    {
        var job = await studio.GenerateAsync("alice", "a shared sunrise");
        var token = await links.CreateForImageAsync("alice", job.Images[0].Id);
        Assert.NotNull(token);
        var stranger = studio.CreateClientFor("stranger");

        var page = await stranger.GetAsync($"/s/{token}");
        var html = await page.Content.ReadAsStringAsync();
        var image = await stranger.GetAsync($"/s/{token}/image");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("a shared sunrise", html);
        Assert.Contains("property=\"og:title\"", html);
        Assert.Contains("property=\"og:description\"", html);
        Assert.Contains($"property=\"og:image\" content=\"http://localhost/s/{token}/preview.png\"", html);
        Assert.Contains("name=\"robots\" content=\"noindex", html);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(page.Headers.CacheControl is { NoStore: true, NoCache: true }, $"Cache-Control: {page.Headers.CacheControl}");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());
        // Shared bytes are the one image answer a shared cache may keep, briefly so a revocation takes effect.
        Assert.True(image.Headers.CacheControl is { Public: true, Private: false, MaxAge.TotalSeconds: <= 60 }, $"Cache-Control: {image.Headers.CacheControl}");

        var link = (await links.ListActiveAsync("alice", job.Images[0].Id, null)).Single();
        Assert.True(await links.RevokeAsync("alice", link.Id));

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/s/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/s/{token}/image")).StatusCode);
    }

    [Fact]
    public async Task UnknownAndRevokedLinksGiveTheSame404()
    {
        var job = await studio.GenerateAsync("alice", "soon revoked");
        var token = (await links.CreateForImageAsync("alice", job.Images[0].Id))!;
        var link = (await links.ListActiveAsync("alice", job.Images[0].Id, null)).Single();
        await links.RevokeAsync("alice", link.Id);
        var client = studio.CreateClientFor("stranger");

        var revoked = await client.GetAsync($"/s/{token}");
        var unknown = await client.GetAsync($"/s/{ShareToken.Create()}");

        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(unknown.Content.Headers.ContentType, revoked.Content.Headers.ContentType);
        Assert.DoesNotContain("soon revoked", await revoked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnlyTheHashOfA128BitTokenIsStored()
    {
        var job = await studio.GenerateAsync("alice", "hashed");
        var token = (await links.CreateForImageAsync("alice", job.Images[0].Id))!;

        await using var db = await studio.OpenDatabaseAsync();
        var stored = db.ShareLinks.Single(s => s.ImageId == job.Images[0].Id);

        Assert.Equal(16, Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "==").Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash);
    }

    [Fact]
    public async Task ASharedComparisonShowsItsWholeGridAndServesOnlyItsOwnImages()
    {
        var comparisons = studio.Services.GetRequiredService<ComparisonService>();
        var (comparison, result) = await comparisons.CreateAsync("alice",
            new ComparisonRequest(Settings.Valid("shared grid"), new AxisInput(AxisKind.Seed, "1-4"), new AxisInput(AxisKind.GuidanceScale, "3, 9")));
        foreach (var job in Assert.IsType<SubmitOutcome.Queued>(result).Jobs)
        {
            await studio.WaitForFinishAsync("alice", job.Id);
        }

        var token = await links.CreateForComparisonAsync("alice", comparison!.Id);
        var stranger = studio.CreateClientFor("stranger");
        var html = await stranger.GetStringAsync($"/s/{token}");
        var full = await comparisons.GetAsync("alice", comparison.Id);
        var cell = full!.Jobs.First().Images.Single();
        var unrelated = await studio.GenerateAsync("alice", "not in the grid");

        Assert.Equal(8, html.Split("data-testid=\"compare-cell\"").Length - 1);
        Assert.Contains(ShareEndpoints.CellUrl(token!, cell.Id), html);
        Assert.Equal(HttpStatusCode.OK, (await stranger.GetAsync(ShareEndpoints.CellUrl(token!, cell.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(ShareEndpoints.CellUrl(token!, unrelated.Images[0].Id))).StatusCode);
    }
}
