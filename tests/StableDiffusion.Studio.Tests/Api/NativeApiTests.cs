using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class NativeApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task PostingAGenerationAnswers202WithItsUrlAndTheJobEndsWithItsPng()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var response = await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "a red circle", negativePrompt = "blurry", seed = 42, steps = 4, sampler = "Euler a", width = 64, height = 72, batchCount = 2 });
        var created = await response.Content.ReadFromJsonAsync<GenerationCreated>(ApiStudio.Json);
        var job = await ApiStudio.WaitForFinishAsync(alice, response.Headers.Location!.ToString());
        var png = await alice.GetAsync(job.Images[1].Url);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/v1/generations/{created!.Id}", response.Headers.Location!.ToString());
        Assert.Equal("succeeded", job.Status);
        Assert.Equal(1, job.Progress);
        Assert.Equal(("euler-a", "Euler a", 64, 72, 42L), (job.Settings.Sampler, job.Settings.SamplerName, job.Settings.Width, job.Settings.Height, job.Settings.Seed));
        Assert.Equal([42L, 43L], job.Images.Select(i => i.Seed));
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.True(png.Headers.CacheControl is { Private: true, Public: false }, $"Cache-Control: {png.Headers.CacheControl}");
        var parameters = A1111Answer.ParametersOf(await png.Content.ReadAsByteArrayAsync());
        Assert.Equal(43, parameters.Seed);
        Assert.Equal(job.Images[1].Parameters, StableDiffusion.Inference.Imaging.PngInfo.ReadParameters(await png.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task ImageToImageTakesABase64InitImage()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var first = await ApiStudio.WaitForFinishAsync(alice, (await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "start", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString());
        var init = await alice.GetByteArrayAsync(first.Images[0].Url);

        var response = await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "from an image", steps = 4, width = 64, height = 64, initImage = Convert.ToBase64String(init), denoisingStrength = 0.6 });
        var job = await ApiStudio.WaitForFinishAsync(alice, response.Headers.Location!.ToString());

        Assert.Equal("succeeded", job.Status);
        Assert.True(job.Settings.ImageToImage);
        Assert.Equal(0.6, job.Settings.DenoisingStrength);
        Assert.Equal(0.6, A1111Answer.ParametersOf(await alice.GetByteArrayAsync(job.Images[0].Url)).DenoisingStrength);
    }

    [Fact]
    public async Task InvalidRequestIsProblemJsonWithAMessagePerField()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/api/v1/generations",
            new { prompt = "", steps = 0, width = 65, height = 64, cfgScale = 99 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["cfgScale", "prompt", "steps", "width"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task MalformedJsonAndUnknownModelOrSamplerAre400s()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var malformed = await alice.PostAsync("/api/v1/generations", new StringContent("{\"prompt\": ", System.Text.Encoding.UTF8, "application/json"));
        var model = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "x", model = "no-such-model" });
        var sampler = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "x", sampler = "no-such-sampler" });

        Assert.True((await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("body", out _));
        Assert.True((await model.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("model", out _));
        Assert.True((await sampler.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("sampler", out _));
    }

    [Fact]
    public async Task SecondUsersKeyGets404ForEverythingOfTheFirstUserAndSeesOnlyItsOwnJobs()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var bob = studio.Bearer(studio.BobKey);
        var job = await ApiStudio.WaitForFinishAsync(alice, (await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "alice's private lighthouse", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString());
        var imageUrl = job.Images[0].Url;

        var responses = new[]
        {
            await bob.GetAsync(job.Url),
            await bob.DeleteAsync(job.Url),
            await bob.GetAsync(imageUrl),
            await bob.PostAsync(imageUrl + "/share", null),
            await bob.DeleteAsync(imageUrl + "/share"),
        };
        var bobList = await bob.GetFromJsonAsync<GenerationList>("/api/v1/generations?pageSize=100", ApiStudio.Json);
        var aliceList = await alice.GetFromJsonAsync<GenerationList>("/api/v1/generations?pageSize=100", ApiStudio.Json);

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        });
        Assert.DoesNotContain(bobList!.Items, j => j.Id == job.Id);
        Assert.Contains(aliceList!.Items, j => j.Id == job.Id);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(imageUrl)).StatusCode);
    }

    [Fact]
    public async Task ListIsPagedNewestFirst()
    {
        var frank = studio.Bearer((await studio.Service<ApiKeyService>().CreateAsync("frank", "paging")).Key);
        var urls = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            urls.Add((await frank.PostAsJsonAsync("/api/v1/generations", new { prompt = $"page {i}", steps = 1, width = 64, height = 64 })).Headers.Location!.ToString());
        }

        var first = await frank.GetFromJsonAsync<GenerationList>("/api/v1/generations?page=1&pageSize=2", ApiStudio.Json);
        var second = await frank.GetFromJsonAsync<GenerationList>("/api/v1/generations?page=2&pageSize=2", ApiStudio.Json);

        Assert.Equal(3, first!.Total);
        Assert.Equal(["page 2", "page 1"], first.Items.Select(j => j.Settings.Prompt));
        Assert.Equal(["page 0"], second!.Items.Select(j => j.Settings.Prompt));
        foreach (var url in urls)
        {
            await ApiStudio.WaitForFinishAsync(frank, url);
        }
    }

    [Fact]
    public async Task SharingGivesAPublicLinkAndDeletingTheShareRevokesIt()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var job = await ApiStudio.WaitForFinishAsync(alice, (await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "shared square", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString());
        var imageUrl = job.Images[0].Url;

        var share = await alice.PostAsync(imageUrl + "/share", null);
        var link = await share.Content.ReadFromJsonAsync<ShareResponse>(ApiStudio.Json);
        var publicImage = await studio.Anonymous().GetAsync(new Uri(link!.ImageUrl).PathAndQuery);
        var revoke = await alice.DeleteAsync(imageUrl + "/share");
        var afterRevoke = await studio.Anonymous().GetAsync(new Uri(link.ImageUrl).PathAndQuery);

        Assert.Equal(HttpStatusCode.Created, share.StatusCode);
        Assert.Equal(link.Url, share.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, publicImage.StatusCode);
        Assert.Equal("image/png", publicImage.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task CancellingAFinishedGenerationIsAConflictThatSaysSo()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var url = (await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "done already", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString();
        await ApiStudio.WaitForFinishAsync(alice, url);

        var response = await alice.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("The generation has already finished.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AWrongTypeIsA400OnThatFieldInWordsNotTheParsersMessage()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsync("/api/v1/generations",
            new StringContent("""{"prompt":"x","steps":"many"}""", System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("steps must be a whole number.", problem.GetProperty("errors").GetProperty("steps")[0].GetString());
        // The errors say it all: no general sentence beside them.
        Assert.False(problem.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task ModelsAndSamplersAreListed()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var models = await alice.GetFromJsonAsync<List<ModelResponse>>("/api/v1/models", ApiStudio.Json);
        var samplers = await alice.GetFromJsonAsync<List<SamplerResponse>>("/api/v1/samplers", ApiStudio.Json);

        Assert.Equal(Directory.GetDirectories(StudioFactory.FixtureModels).Length, models!.Count);
        Assert.All(models, m => Assert.True(m.Available));
        Assert.All(models, m => Assert.Equal($"{m.Name} [{m.Hash}]", m.Title));
        Assert.Contains(samplers!, s => s is { Id: "dpmpp-2m-karras", A1111Sampler: "DPM++ 2M", A1111Scheduler: "Karras" });
    }
}
