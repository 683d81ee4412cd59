using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class A1111EndpointTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    public static TheoryData<string> EmptyLists => ["loras", "prompt-styles", "sd-modules"];

    [Theory]
    [MemberData(nameof(EmptyLists))]
    public async Task ListsOfThingsTheStudioLacksAreEmptyArrays(string path)
    {
        var list = await studio.Bearer(studio.AliceKey).GetFromJsonAsync<JsonElement>("/sdapi/v1/" + path);

        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Equal(0, list.GetArrayLength());
    }

    [Fact]
    public async Task EmbeddingsAreAnEmptyLoadedAndSkippedPair()
    {
        var embeddings = await studio.Bearer(studio.AliceKey).GetFromJsonAsync<JsonElement>("/sdapi/v1/embeddings");

        Assert.Empty(embeddings.GetProperty("loaded").EnumerateObject());
        Assert.Empty(embeddings.GetProperty("skipped").EnumerateObject());
    }

    [Fact]
    public async Task SamplersAndSchedulersUseA1111Names()
    {
        var client = studio.Bearer(studio.AliceKey);
        var samplers = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/samplers");
        var schedulers = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/schedulers");

        var names = samplers.EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Contains("Euler", names);
        Assert.Contains("Euler a", names);
        Assert.Contains("DPM++ 2M", names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains(samplers.EnumerateArray(), s => s.GetProperty("name").GetString() == "DPM++ 2M"
            && s.GetProperty("aliases").EnumerateArray().Any(a => a.GetString() == "DPM++ 2M Karras"));
        Assert.Equal(["automatic", "uniform", "karras"], schedulers.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task SdModelsHaveTitlesWithTheTenDigitHash()
    {
        var models = await studio.Bearer(studio.AliceKey).GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models");

        Assert.Equal(Directory.GetDirectories(StudioFactory.FixtureModels).Length, models.GetArrayLength());
        foreach (var model in models.EnumerateArray())
        {
            var hash = model.GetProperty("hash").GetString()!;
            Assert.Equal(10, hash.Length);
            Assert.StartsWith(hash, model.GetProperty("sha256").GetString());
            Assert.Equal($"{model.GetProperty("model_name").GetString()} [{hash}]", model.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task OptionsPostChangesOnlyTheCallersOwnModel()
    {
        var carol = studio.Bearer((await studio.Service<Studio.Api.ApiKeyService>().CreateAsync("carol", "options")).Key);
        var dave = studio.Bearer((await studio.Service<Studio.Api.ApiKeyService>().CreateAsync("dave", "options")).Key);
        var models = await carol.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models");
        var daveBefore = await dave.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");

        // Open WebUI's way: read the whole dictionary, change the checkpoint, post it all back.
        var options = (await carol.GetFromJsonAsync<Dictionary<string, JsonElement>>("/sdapi/v1/options"))!;
        options["sd_model_checkpoint"] = models[2].GetProperty("title");
        var post = await carol.PostAsJsonAsync("/sdapi/v1/options", options);
        var carolAfter = await carol.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        var daveAfter = await dave.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(models[2].GetProperty("title").GetString(), carolAfter.GetProperty("sd_model_checkpoint").GetString());
        Assert.Equal(daveBefore.GetProperty("sd_model_checkpoint").GetString(), daveAfter.GetProperty("sd_model_checkpoint").GetString());
        Assert.NotEqual(carolAfter.GetProperty("sd_model_checkpoint").GetString(), daveAfter.GetProperty("sd_model_checkpoint").GetString());
    }

    [Fact]
    public async Task UnknownCheckpointIsA400NamingTheField()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/options", new { sd_model_checkpoint = "no-such-model" });

        var problem = await ProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty("sd_model_checkpoint", out _));
    }

    [Fact]
    public async Task BatchBeyondTheStudioLimitIsA400OnBatchSizeAndNothingRuns()
    {
        var before = await studio.CountJobsAsync();

        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "too many", n_iter = 4, batch_size = 5, width = 64, height = 64 });

        var problem = await ProblemAsync(response);
        var message = problem.GetProperty("errors").GetProperty("batch_size")[0].GetString();
        Assert.Contains("20", message);
        Assert.Contains(GenerationLimits.MaxImagesPerJob.ToString(), message);
        Assert.Equal(before, await studio.CountJobsAsync());
    }

    [Fact]
    public async Task BadFieldsAreOneValidationProblemWithAMessagePerField()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "bad", sampler_name = "Nonexistent Sampler", steps = 0, width = 70, height = 64, cfg_scale = "lots" });

        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.Contains("not found", errors.GetProperty("sampler_name")[0].GetString());
        Assert.True(errors.TryGetProperty("cfg_scale", out _));
    }

    [Fact]
    public async Task AScheduleTheSamplerCannotTakeIsReportedOnScheduler()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "bad schedule", sampler_name = "DDIM", scheduler = "Karras", width = 64, height = 64 });

        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("scheduler", out _));
        Assert.False(errors.TryGetProperty("sampler_name", out _));
    }

    [Fact]
    public async Task StudioLimitsOnStepsAndSizeAreReportedUnderA1111FieldNames()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "bad", steps = 0, width = 70, height = 64 });

        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("steps", out _));
        Assert.True(errors.TryGetProperty("width", out _));
        Assert.False(errors.TryGetProperty("height", out _));
    }

    [Fact]
    public async Task PngInfoOfAnImageWithoutParametersIsEmptyAndOfNonImageIsA400()
    {
        var client = studio.Bearer(studio.AliceKey);
        var garbage = await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = "not base64 !!" });
        var plain = await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = Convert.ToBase64String(PlainPng()) });

        var problem = await ProblemAsync(garbage);
        Assert.True(problem.GetProperty("errors").TryGetProperty("image", out _));
        var read = await plain.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("", read.GetProperty("info").GetString());
        Assert.Empty(read.GetProperty("parameters").EnumerateObject());
    }

    [Theory]
    [InlineData(Infotext.MaxLength)]
    [InlineData(Infotext.MaxLength + 1)]
    public async Task PngInfoOfALongTextWithoutSeparatorsAnswersAtOnceWithNoParameters(int length)
    {
        // A backtracking parser took about 20 s on 64 KiB of letters; a linear one takes milliseconds.
        var text = new string('a', length);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/png-info", new { image = Convert.ToBase64String(PngWithParameters(text)) });

        var read = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"{stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(text, read.GetProperty("info").GetString());
        Assert.Empty(read.GetProperty("parameters").EnumerateObject());
    }

    [Theory]
    [InlineData(Infotext.MaxLength, true)]
    [InlineData(Infotext.MaxLength + 1, false)]
    public async Task PngInfoReadsParametersOnlyFromATextWithinTheLimit(int length, bool read)
    {
        // As for any text without a readable parameters line, the text comes back as info with empty parameters.
        const string parametersLine = "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512";
        var text = new string('p', length - parametersLine.Length - 1) + "\n" + parametersLine;

        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/png-info", new { image = Convert.ToBase64String(PngWithParameters(text)) });

        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(text, answer.GetProperty("info").GetString());
        Assert.Equal(read, answer.GetProperty("parameters").TryGetProperty("Steps", out _));
    }

    private static byte[] PngWithParameters(string text)
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(4, 4);
        return PngInfo.Encode(image, text);
    }

    private static byte[] PlainPng()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(4, 4);
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, stream);
        return stream.ToArray();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
