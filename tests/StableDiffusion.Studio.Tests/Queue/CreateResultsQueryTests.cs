using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

/// <summary>Which jobs Create's results list: its own form's, not a program's, and none from before the last Clear.</summary>
public sealed class CreateResultsQueryTests
{
    [Fact]
    public async Task JobsMadeThroughEitherApiStayOutOfCreatesResults()
    {
        using var studio = new StudioFactory();
        var api = studio.CreateApiClient();
        var fromForm = await studio.GenerateAsync("alice", "from the form");
        var native = await api.PostAsJsonAsync("/api/v1/generations", new { prompt = "from a script" });
        var a1111 = await api.PostAsJsonAsync("/sdapi/v1/txt2img", new { prompt = "from a bot", steps = 2, width = 64, height = 64 });
        native.EnsureSuccessStatusCode();
        a1111.EnsureSuccessStatusCode();
        var nativeId = (await native.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await studio.WaitForFinishAsync("alice", nativeId);

        var recent = await studio.Jobs.ListRecentAsync("alice", 24);
        await using var db = await studio.OpenDatabaseAsync();
        var fromApi = db.Jobs.Where(j => j.OwnerId == "alice" && j.FromApi).Select(j => j.Prompt).OrderBy(p => p).ToList();

        Assert.Equal([fromForm.Id], recent.Select(j => j.Id));
        Assert.Equal(["from a bot", "from a script"], fromApi);
    }

    [Fact]
    public async Task AClearHidesTheJobsBeforeItAndKeepsTheOnesAfter()
    {
        using var studio = new StudioFactory();
        var before = await studio.GenerateAsync("alice", "before the clear");
        var clearedAt = DateTime.UtcNow;
        await Task.Delay(20);
        var after = await studio.GenerateAsync("alice", "after the clear");

        var all = await studio.Jobs.ListRecentAsync("alice", 24);
        var sinceClear = await studio.Jobs.ListRecentAsync("alice", 24, clearedAt);

        Assert.Equal([after.Id, before.Id], all.Select(j => j.Id));
        Assert.Equal([after.Id], sinceClear.Select(j => j.Id));
    }
}
