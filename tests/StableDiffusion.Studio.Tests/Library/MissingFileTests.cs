using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Storage;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Library;

public sealed class MissingFileTests
{
    [Fact]
    public async Task AnImageWhoseFileVanishedIsMarkedAtStartAndTheGalleryShowsAPlaceholder()
    {
        using var data = new TemporaryDataDirectory("studio-missing-");
        var dataDirectory = data.Path;
        Guid gone, kept;
        using (var before = new StudioFactory { DataDirectory = dataDirectory })
        {
            var lost = await before.GenerateAsync("alice", "a lost square");
            var still = await before.GenerateAsync("alice", "a kept square");
            gone = lost.Images[0].Id;
            kept = still.Images[0].Id;
            File.Delete(Path.Combine(dataDirectory, lost.Images[0].FilePath));
        }

        using var after = new StudioFactory { DataDirectory = dataDirectory };
        var html = await after.CreateClientFor("alice").GetStringAsync("/gallery");
        var missing = after.Services.GetRequiredService<MissingImageFiles>();

        Assert.True(missing.Contains(gone));
        Assert.False(missing.Contains(kept));
        Assert.Equal(1, html.Split("data-testid=\"missing-image\"").Length - 1);
        Assert.DoesNotContain(ImageFileEndpoints.Url(gone), html);
        Assert.Contains(ImageFileEndpoints.Url(kept), html);
    }
}
