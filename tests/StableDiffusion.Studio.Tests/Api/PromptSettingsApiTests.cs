using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>Emphasis mode and prompt padding through both APIs, on the real pipeline and fixture models.</summary>
[Collection(ApiCollection.Name)]
public sealed class PromptSettingsApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    // Two chunks against a one-chunk negative prompt, with weights.
    private static readonly string LongPrompt = "(red circle:1.3), " + string.Join(", ", Enumerable.Repeat("blue square on a yellow background", 12)) + " BREAK [green]";

    [Fact]
    public async Task NativeApiRunsALongWeightedPromptWithTheChosenEmphasisAndPaddingAndRecordsThemLikeA1111()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var response = await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = LongPrompt, negativePrompt = "blurry", emphasisMode = "No norm", padPrompts = true, steps = 2, width = 64, height = 64 });
        var job = await ApiStudio.WaitForFinishAsync(alice, response.Headers.Location!.ToString());
        var parameters = job.Images[0].Parameters;

        Assert.Equal("succeeded", job.Status);
        Assert.Equal(("No norm", true), (job.Settings.EmphasisMode, job.Settings.PadPrompts));
        Assert.StartsWith(LongPrompt + "\nNegative prompt: blurry\n", parameters);
        Assert.Contains(", Emphasis: No norm, Pad conds: True", parameters);
    }

    [Fact]
    public async Task NativeApiRefusesAnUnknownEmphasisModeAndAWeightThatIsNoNumber()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var mode = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "a cat", emphasisMode = "Loud" });
        var weight = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "a (cat:1.2.3)" });

        Assert.Equal(HttpStatusCode.BadRequest, mode.StatusCode);
        Assert.Contains("No norm", (await ErrorsAsync(mode)).GetProperty("emphasisMode")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, weight.StatusCode);
        Assert.Contains("1.2.3", (await ErrorsAsync(weight)).GetProperty("prompt")[0].GetString());
    }

    [Fact]
    public async Task A1111OverrideSettingsSetEmphasisAndPaddingWhichInfoAndInfotextReport()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img", new
        {
            prompt = LongPrompt, negative_prompt = "blurry", steps = 2, width = 64, height = 64,
            override_settings = new { emphasis = "None", pad_cond_uncond = true },
        });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var info = JsonDocument.Parse(answer.GetProperty("info").GetString()!).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("None", info.GetProperty("extra_generation_params").GetProperty("Emphasis").GetString());
        Assert.True(info.GetProperty("extra_generation_params").GetProperty("Pad conds").GetBoolean());
        Assert.Contains(", Emphasis: None, Pad conds: True", info.GetProperty("infotexts")[0].GetString());
        Assert.Empty(info.GetProperty("ignored_fields").EnumerateArray());
    }

    [Fact]
    public async Task A1111UnknownEmphasisIsA400OnItsOverride()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "a cat", override_settings = new { emphasis = "Loud" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ErrorsAsync(response)).TryGetProperty("override_settings.emphasis", out _));
    }

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
}
