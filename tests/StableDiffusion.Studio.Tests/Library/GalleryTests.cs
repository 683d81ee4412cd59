using System.IO.Compression;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace StableDiffusion.Studio.Tests.Library;

public sealed class GalleryTests
{
    [Fact]
    public async Task ANumberFindsImagesByTheirSeedAndFiltersNarrowByModelSamplerAndSize()
    {
        using var studio = new StudioFactory();
        var library = studio.Services.GetRequiredService<ImageLibrary>();
        await GenerateAsync(studio, "alice", "a red circle", 42, "euler", 64);
        await GenerateAsync(studio, "alice", "42 blue squares", 7, "euler-a", 64);
        var green = await GenerateAsync(studio, "alice", "a green triangle", 9, "euler", 96);
        await GenerateAsync(studio, "bob", "bob's seed 42", 42, "euler", 64);
        // An image records the size it came out at; the fake pipeline's are all 8×8, so give this one its own.
        await using (var db = await studio.OpenDatabaseAsync())
        {
            await db.Images.Where(i => i.JobId == green.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.Width, 96).SetProperty(i => i.Height, 96));
        }

        var bySeed = await library.SearchAsync("alice", new GalleryFilter("42"), 1, 10);
        var bySampler = await library.SearchAsync("alice", new GalleryFilter(Sampler: "euler-a"), 1, 10);
        var bySize = await library.SearchAsync("alice", new GalleryFilter(Size: GalleryFilter.SizeOf(96, 96)), 1, 10);
        var byModel = await library.SearchAsync("alice", new GalleryFilter(Model: "no-such-model"), 1, 10);
        var today = await library.SearchAsync("alice", new GalleryFilter(Since: DateTime.UtcNow.Date), 1, 10);
        var choices = await library.ChoicesAsync("alice");

        // Seed 42, and the prompt that says 42; never bob's.
        Assert.Equal(["42 blue squares", "a red circle"], bySeed.Items.Select(i => i.Job!.Prompt).Order());
        Assert.Equal("42 blue squares", Assert.Single(bySampler.Items).Job!.Prompt);
        Assert.Equal("a green triangle", Assert.Single(bySize.Items).Job!.Prompt);
        Assert.Equal(0, byModel.Total);
        Assert.Equal(3, today.Total);
        Assert.Equal(["euler", "euler-a"], choices.Samplers);
        Assert.Equal(2, choices.Sizes.Count);
        Assert.Equal("96×96", choices.Sizes[^1]);
    }

    [Fact]
    public async Task DownloadsAreNamedFromPromptAndSeedAndTheZipHoldsOnlyTheOwnersSelectedImages()
    {
        using var studio = new StudioFactory();
        var red = await GenerateAsync(studio, "alice", "A red, circle!  on blue", 42, "euler", 64);
        var green = await GenerateAsync(studio, "alice", "a green triangle", 9, "euler", 64);
        var bobs = await GenerateAsync(studio, "bob", "bob's", 1, "euler", 64);
        var alice = studio.CreateClientFor("alice");

        using var single = await alice.GetAsync($"/files/images/{red.Images[0].Id}?download=true");
        using var zipResponse = await alice.GetAsync($"/files/images.zip?id={red.Images[0].Id}&id={green.Images[0].Id}&id={bobs.Images[0].Id}");
        await using var zipStream = await zipResponse.Content.ReadAsStreamAsync();
        using var zip = new ZipArchive(zipStream);

        Assert.Equal("a-red-circle-on-blue-42.png", single.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("application/zip", zipResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["a-green-triangle-9.png", "a-red-circle-on-blue-42.png"], zip.Entries.Select(e => e.Name).Order());
        Assert.All(zip.Entries, e => Assert.True(e.Length > 0));
    }

    [Theory]
    [InlineData("A red, circle!  on blue", 42, "a-red-circle-on-blue-42.png")]
    [InlineData("", 7, "image-7.png")]
    [InlineData("日本語 only", 3, "only-3.png")]
    [InlineData("../../etc/passwd", 1, "etc-passwd-1.png")]
    public void DownloadNamesAreReadableAndSafe(string prompt, long seed, string name) => Assert.Equal(name, DownloadName.For(prompt, seed));

    private static async Task<StableDiffusion.Studio.Data.JobRecord> GenerateAsync(StudioFactory studio, string owner, string prompt, long seed, string sampler, int size)
    {
        var settings = Settings.Valid(prompt) with { Seed = seed, Scheduler = sampler, Width = size, Height = size };
        var job = (await studio.Submission.SubmitAsync(owner, settings)).Queued();
        return await studio.WaitForFinishAsync(owner, job.Id);
    }
}
