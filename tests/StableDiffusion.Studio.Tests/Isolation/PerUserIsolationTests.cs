using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Sharing;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Isolation;

/// <summary>Anything of user A addressed by user B answers exactly as if it did not exist.</summary>
public sealed class PerUserIsolationTests : IClassFixture<AliceHasAnImage>
{
    private readonly AliceHasAnImage world;

    public PerUserIsolationTests(AliceHasAnImage world) => this.world = world;

    [Fact]
    public async Task SecondUserCannotOpenFirstUsersImagePage()
    {
        var bob = await world.Studio.CreateClientFor("bob").GetAsync($"/images/{world.Image.Id}");
        var alice = await world.Studio.CreateClientFor("alice").GetAsync($"/images/{world.Image.Id}");

        Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);
        Assert.DoesNotContain("lighthouse", await bob.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Contains("lighthouse", await alice.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SecondUserGetsTheSame404ForFirstUsersImageFileAsForAMissingOne()
    {
        var bob = await world.Studio.CreateClientFor("bob").GetAsync($"/files/images/{world.Image.Id}");
        var missing = await world.Studio.CreateClientFor("bob").GetAsync($"/files/images/{Guid.NewGuid()}");
        var alice = await world.Studio.CreateClientFor("alice").GetAsync($"/files/images/{world.Image.Id}");

        Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(missing.Content.Headers.ContentType, bob.Content.Headers.ContentType);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal("image/png", alice.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", alice.Headers.GetValues("X-Content-Type-Options").Single());
        // Only the owner's browser may keep it: no shared cache, and no cache at all for the 404s.
        Assert.True(alice.Headers.CacheControl is { Private: true, Public: false }, $"Cache-Control: {alice.Headers.CacheControl}");
        Assert.True(bob.Headers.CacheControl?.Public != true && missing.Headers.CacheControl?.Public != true);
    }

    [Fact]
    public async Task SecondUserCannotOpenFirstUsersComparison()
    {
        var bob = await world.Studio.CreateClientFor("bob").GetAsync($"/compare/{world.Comparison.Id}");
        var alice = await world.Studio.CreateClientFor("alice").GetAsync($"/compare/{world.Comparison.Id}");

        Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Contains("alice&#x27;s grid", await alice.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/gallery")]
    [InlineData("/queue")]
    [InlineData("/")]
    [InlineData("/compare")]
    public async Task SecondUsersPagesNeverShowFirstUsersWork(string page)
    {
        var bob = await world.Studio.CreateClientFor("bob").GetAsync(page);

        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        var html = await bob.Content.ReadAsStringAsync();
        Assert.DoesNotContain("lighthouse", html);
        Assert.DoesNotContain("alice&#x27;s grid", html);
    }

    [Fact]
    public async Task FirstUsersGalleryShowsTheirOwnImage()
    {
        var alice = await world.Studio.CreateClientFor("alice").GetStringAsync("/gallery");

        Assert.Contains($"/images/{world.Image.Id}", alice);
    }

    [Fact]
    public async Task SecondUserWatchingFirstUsersJobOnTheHubGetsNotFound()
    {
        await using var bob = world.Studio.CreateHubConnection("bob");
        await bob.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => bob.InvokeAsync<object>("Watch", world.Job.Id));

        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public async Task SecondUserCannotCancelShareOrDeleteFirstUsersThings()
    {
        var links = world.Studio.Services.GetRequiredService<ShareLinkService>();
        var library = world.Studio.Services.GetRequiredService<StableDiffusion.Studio.Library.ImageLibrary>();

        Assert.False(await world.Studio.Claims.CancelAsync("bob", world.Job.Id));
        Assert.Null(await links.CreateForImageAsync("bob", world.Image.Id));
        Assert.Null(await links.CreateForComparisonAsync("bob", world.Comparison.Id));
        Assert.False(await library.DeleteAsync("bob", world.Image.Id));
        Assert.NotNull(await library.GetAsync("alice", world.Image.Id));
    }
}
