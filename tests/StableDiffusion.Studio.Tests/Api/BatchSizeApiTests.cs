using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Api;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>Batch size and batch count through both APIs, on the real pipeline and the fixture models.</summary>
[Collection(ApiCollection.Name)]
public sealed class BatchSizeApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task A1111BatchSizeTimesNIterImagesWithSeedsCountedOverTheWholeJob()
    {
        var answer = await A1111Answer.PostAsync(studio.Bearer(studio.AliceKey), "/sdapi/v1/txt2img",
            new { prompt = "two red circles", seed = 20, batch_size = 2, n_iter = 2, steps = 2, width = 64, height = 64, sampler_name = "Euler a" });

        Assert.Equal(4, answer.Images.Count);
        Assert.Equal([20L, 21L, 22L, 23L], answer.Seeds);
        Assert.Equal(2, answer.Info.GetProperty("batch_size").GetInt32());
        var job = await studio.FindJobAsync(Guid.Parse(answer.Info.GetProperty("job_id").GetString()!));
        Assert.Equal((2, 2), (job!.BatchSize, job.BatchCount));
        var last = Infotext.Parse(PngInfo.ReadParameters(answer.Images[3])!);
        Assert.Equal((23L, "2", "1"), (last.Seed, last.Extra["Batch size"], last.Extra["Batch pos"]));
    }

    [Fact]
    public async Task OpenWebUiAskingForTenImagesGetsThemInBatchesTheStudioCanRunAndSaysSo()
    {
        // Open WebUI sends the number of images as batch_size.
        var answer = await A1111Answer.PostAsync(studio.Basic(studio.AliceKey), "/sdapi/v1/txt2img",
            new { prompt = "a blue square", batch_size = 10, width = 64, height = 64, steps = 1, seed = 5 });

        Assert.Equal(10, answer.Images.Count);
        Assert.Equal(Enumerable.Range(5, 10).Select(s => (long)s), answer.Seeds);
        var job = await studio.FindJobAsync(Guid.Parse(answer.Info.GetProperty("job_id").GetString()!));
        Assert.Equal((5, 2), (job!.BatchSize, job.BatchCount));
        Assert.Contains(answer.Info.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("2 batches of 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheNativeApiTakesBatchSizeAndShowsItInTheSettings()
    {
        var client = studio.Bearer(studio.AliceKey);

        var created = await client.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "a green triangle", batchSize = 3, batchCount = 1, steps = 2, width = 64, height = 64, seed = 40 });
        var done = await ApiStudio.WaitForFinishAsync(client, created.Headers.Location!.ToString());

        Assert.Equal("succeeded", done.Status);
        Assert.Equal((3, 1), (done.Settings.BatchSize, done.Settings.BatchCount));
        Assert.Equal([40L, 41L, 42L], done.Images.Select(i => i.Seed));
    }

    [Theory]
    [InlineData(9, 1, "batchSize", "between 1 and 8")]
    [InlineData(4, 5, "batchCount", "at most 16 images")]
    public async Task TooBigABatchIsA400OnItsOwnField(int batchSize, int batchCount, string field, string words)
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/api/v1/generations",
            new { prompt = "too many", batchSize, batchCount, width = 64, height = 64 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(words, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }
}
