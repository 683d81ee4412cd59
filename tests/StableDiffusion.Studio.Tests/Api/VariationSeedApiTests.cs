using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Studio.Api;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>A1111's variation seed through both APIs, on the real pipeline: the batch shares the seed, the variation seeds count up.</summary>
[Collection(ApiCollection.Name)]
public sealed class VariationSeedApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task A1111SubseedAndStrengthVaryABatchThatSharesItsSeed()
    {
        var answer = await A1111Answer.PostAsync(studio.Bearer(studio.AliceKey), "/sdapi/v1/txt2img", new
        {
            prompt = "a red circle", steps = 2, width = 64, height = 64, seed = 7, subseed = 500, subseed_strength = 0.25, batch_size = 2,
        });

        Assert.Equal([7L, 7L], answer.Seeds);
        Assert.Equal([500L, 501L], answer.Info.GetProperty("all_subseeds").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(0.25, answer.Info.GetProperty("subseed_strength").GetDouble());
        Assert.Contains("Variation seed: 501, Variation seed strength: 0.25", answer.Info.GetProperty("infotexts")[1].GetString());
        Assert.DoesNotContain("subseed", answer.IgnoredFields);
        Assert.NotEqual(answer.Images[0], answer.Images[1]);
    }

    [Fact]
    public async Task TheNativeApiTakesAndShowsTheVariationAndRefusesAStrengthPastOne()
    {
        var client = studio.Bearer(studio.BobKey);
        var created = await client.PostAsJsonAsync("/api/v1/generations", new
        {
            prompt = "a blue square", steps = 2, width = 64, height = 64, seed = 3, variationSeed = 9, variationStrength = 0.5,
        });
        var refused = await client.PostAsJsonAsync("/api/v1/generations", new { prompt = "too far", variationStrength = 2 });

        var job = await ApiStudio.WaitForFinishAsync(client, created.Headers.Location!.ToString());
        Assert.Equal("succeeded", job.Status);
        Assert.Equal((9L, 0.5), (job.Settings.VariationSeed, job.Settings.VariationStrength));
        Assert.Contains("Variation seed: 9, Variation seed strength: 0.5", job.Images[0].Parameters);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("variationStrength", out _), problem.ToString());
    }
}
