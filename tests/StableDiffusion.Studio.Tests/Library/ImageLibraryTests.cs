using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Library;

public sealed class ImageLibraryTests
{
    [Fact]
    public async Task TheGalleryListsNewestFirstPagesAndSearchesByPromptText()
    {
        using var studio = new StudioFactory();
        var library = studio.Services.GetRequiredService<ImageLibrary>();
        foreach (var prompt in new[] { "a red circle", "a blue square", "a RED triangle", "100% green" })
        {
            await studio.GenerateAsync("alice", prompt);
        }

        var firstPage = await library.ListAsync("alice", null, page: 1, pageSize: 3);
        var secondPage = await library.ListAsync("alice", null, page: 2, pageSize: 3);
        var red = await library.ListAsync("alice", "red", 1, 10);
        var percent = await library.ListAsync("alice", "100%", 1, 10);
        var underscore = await library.ListAsync("alice", "_", 1, 10);

        Assert.Equal(4, firstPage.Total);
        Assert.Equal(["100% green", "a RED triangle", "a blue square"], firstPage.Items.Select(i => i.Job!.Prompt));
        Assert.Equal(["a red circle"], secondPage.Items.Select(i => i.Job!.Prompt));
        Assert.Equal(["a RED triangle", "a red circle"], red.Items.Select(i => i.Job!.Prompt));
        Assert.Equal(["100% green"], percent.Items.Select(i => i.Job!.Prompt));
        Assert.Empty(underscore.Items);
    }

    [Fact]
    public async Task DeletingAnImageRemovesItsRowAndItsFile()
    {
        using var studio = new StudioFactory();
        var library = studio.Services.GetRequiredService<ImageLibrary>();
        var image = (await studio.GenerateAsync("alice", "to delete")).Images.Single();
        var file = Path.Combine(studio.DataDirectory, image.FilePath);
        Assert.True(File.Exists(file));

        Assert.True(await library.DeleteAsync("alice", image.Id));

        Assert.False(File.Exists(file));
        Assert.Null(await library.GetAsync("alice", image.Id));
        Assert.False(await library.DeleteAsync("alice", image.Id));
    }
}
