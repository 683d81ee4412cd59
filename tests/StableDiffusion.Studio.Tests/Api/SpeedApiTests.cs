using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>The Speed setting through both APIs, on the real pipeline and the fixture models.</summary>
[Collection(ApiCollection.Name)]
public sealed class SpeedApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task NativeApiTakesSpeedFastShowsItAndRecordsItInTheInfotext()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var fast = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "a red circle", speed = "Fast", steps = 6, width = 64, height = 64 });
        var exact = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "a red circle", steps = 2, width = 64, height = 64 });
        var fastJob = await ApiStudio.WaitForFinishAsync(alice, fast.Headers.Location!.ToString());
        var exactJob = await ApiStudio.WaitForFinishAsync(alice, exact.Headers.Location!.ToString());

        Assert.Equal(("succeeded", "fast"), (fastJob.Status, fastJob.Settings.Speed));
        Assert.Contains(", Speed: Fast", fastJob.Images[0].Parameters);
        Assert.Equal(("succeeded", "exact"), (exactJob.Status, exactJob.Settings.Speed));
        Assert.DoesNotContain("Speed", exactJob.Images[0].Parameters);
    }

    [Fact]
    public async Task NativeApiRefusesAnUnknownSpeedOnItsField()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/api/v1/generations", new { prompt = "a cat", speed = "turbo" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("turbo", (await ErrorsAsync(response)).GetProperty("speed")[0].GetString());
    }

    [Fact]
    public async Task A1111TakesSpeedAsAnExtraFieldWhichInfoAndInfotextReport()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "a red circle", steps = 6, width = 64, height = 64, speed = "fast" });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var info = JsonDocument.Parse(answer.GetProperty("info").GetString()!).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fast", info.GetProperty("speed").GetString());
        Assert.Equal("Fast", info.GetProperty("extra_generation_params").GetProperty("Speed").GetString());
        Assert.Contains(", Speed: Fast", info.GetProperty("infotexts")[0].GetString());
        Assert.Empty(info.GetProperty("ignored_fields").EnumerateArray());
    }

    [Fact]
    public async Task A1111UnknownSpeedIsA400OnItsField()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img", new { prompt = "a cat", speed = "turbo" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ErrorsAsync(response)).TryGetProperty("speed", out _));
    }

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
}
