using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Inference.Clip;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Search;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Search;

/// <summary>Vectors stored by the back-fill, ranking and ownership, on the random-weight CLIP fixture in the OpenAI layout.</summary>
public sealed class ImageSearchTests
{
    private const string BobApiKey = "sd-test-bob-key-0123456789abcdef0123456789";

    private static string ClipFixture => Path.Combine(StudioFactory.RepositoryRoot, "tests", "fixtures", "clip", "random-clip");

    private static StudioFactory Studio(bool realModels = false) => new()
    {
        RealModels = realModels,
        Configuration = new Dictionary<string, string>
        {
            ["Inference:ClipModel"] = ClipFixture,
            ["Api:Keys:1:User"] = "bob",
            ["Api:Keys:1:Key"] = BobApiKey,
        },
    };

    [Fact]
    public async Task NewImagesGetAVectorAndTheBackFillReplacesMissingAndStaleOnes()
    {
        using var studio = Studio();
        var jobs = new[] { await studio.GenerateAsync("alice", "a red circle"), await studio.GenerateAsync("alice", "two blue squares") };
        var search = studio.Services.GetRequiredService<ImageSearch>();

        var progress = await WaitForIndexAsync(search, "alice", 2);
        Assert.Equal((2, 2), (progress.Indexed, progress.Total));
        Assert.Matches("^random-clip:[0-9a-f]{10}$", progress.ModelId);

        // One vector lost, one from another CLIP model: both count as not indexed until the back-fill runs again.
        await using (var db = await studio.OpenDatabaseAsync())
        {
            var vectors = await db.ImageEmbeddings.OrderBy(e => e.CreatedAt).ToListAsync();
            db.ImageEmbeddings.Remove(vectors[0]);
            vectors[1].ModelId = "another-clip:0123456789";
            await db.SaveChangesAsync();
        }

        Assert.Equal(0, (await search.ProgressAsync("alice")).Indexed);
        await studio.Services.GetRequiredService<ImageEmbedder>().EmbedPendingAsync(CancellationToken.None);

        await using var after = await studio.OpenDatabaseAsync();
        var stored = await after.ImageEmbeddings.ToListAsync();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, e => Assert.Equal(progress.ModelId, e.ModelId));
        Assert.All(stored, e => Assert.Equal(16 * sizeof(float), e.Vector.Length));
        Assert.All(stored, e => Assert.NotNull(e.PromptScore));
        Assert.Equal(jobs.Select(j => j.Id).Order(), (await after.Images.Where(i => stored.Select(e => e.ImageId).Contains(i.Id)).Select(i => i.JobId).ToListAsync()).Order());
    }

    [Fact]
    public async Task TextSearchRanksTheCallersImagesByCosineSimilarityWithTheQuery()
    {
        using var studio = Studio(realModels: true);
        foreach (var (owner, prompt) in new[] { ("alice", "a red circle"), ("alice", "two blue squares"), ("alice", "three green triangles"), ("bob", "a red circle") })
        {
            // The fixture's random weights draw a different noise image for each prompt.
            var job = (await studio.Submission.SubmitAsync(owner, Settings.Valid(prompt, "fp32-ids-int32-timestep-int64-batch"))).Queued();
            await studio.WaitForFinishAsync(owner, job.Id);
        }
        await WaitForIndexAsync(studio.Services.GetRequiredService<ImageSearch>(), "alice", 3);

        var client = studio.CreateApiClient();
        var found = await client.GetFromJsonAsync<ImageSearchResponse>("/api/v1/images/search?q=a%20red%20circle");

        Assert.NotNull(found);
        Assert.Equal(3, found.Total);
        Assert.Equal(3, found.Items.Count);
        Assert.All(found.Items, hit => Assert.Contains(hit.Prompt, new[] { "a red circle", "two blue squares", "three green triangles" }));
        Assert.Equal(found.Items.Select(i => i.Score).OrderDescending(), found.Items.Select(i => i.Score));

        // The scores are the cosines of the fixture's own vectors of the query and of each image file.
        using var clip = ClipModel.Load(ClipFixture, new InferenceOptions { ExecutionProvider = "cpu" });
        var query = clip.EmbedText("a red circle");
        foreach (var hit in found.Items)
        {
            using var png = SafeImageDecoder.Decode(await client.GetByteArrayAsync(hit.Url));
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.Dot(query, clip.EmbedImage(png)), hit.Score, 4);
        }

        var like = await client.GetFromJsonAsync<ImageSearchResponse>($"/api/v1/images/search?like={found.Items[1].Id}");
        Assert.Equal(2, like!.Total);
        Assert.DoesNotContain(like.Items, i => i.Id == found.Items[1].Id);
        Assert.Equal(like.Items.Select(i => i.Score).OrderDescending(), like.Items.Select(i => i.Score));
    }

    [Fact]
    public async Task MoreLikeThisOfAnotherUsersImageIsNotFoundAndBadQueriesAreRefused()
    {
        using var studio = Studio();
        var alices = await studio.GenerateAsync("alice", "a red circle");
        await studio.GenerateAsync("bob", "a red circle");
        await WaitForIndexAsync(studio.Services.GetRequiredService<ImageSearch>(), "bob", 1);
        await using var db = await studio.OpenDatabaseAsync();
        var aliceImage = await db.Images.Where(i => i.JobId == alices.Id).Select(i => i.Id).SingleAsync();

        var bob = studio.CreateClient();
        bob.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BobApiKey);

        var bobsSearch = await bob.GetFromJsonAsync<ImageSearchResponse>("/api/v1/images/search?q=red");
        Assert.Equal(1, bobsSearch!.Total);
        Assert.DoesNotContain(bobsSearch.Items, i => i.Id == aliceImage);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/images/search?like={aliceImage}")).StatusCode);

        var neither = await bob.GetAsync("/api/v1/images/search");
        var both = await bob.GetAsync($"/api/v1/images/search?q=red&like={aliceImage}");
        var notAnId = await bob.GetAsync("/api/v1/images/search?like=42");
        Assert.All(new[] { neither, both, notAnId }, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal("application/problem+json", neither.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheBestMatchOrderSortsTheOwnersImagesByClipScoreWithTheUnscoredLast()
    {
        using var studio = Studio();
        var jobs = new List<Guid>();
        foreach (var prompt in new[] { "a red circle", "two blue squares", "three green triangles", "a red square" })
        {
            jobs.Add((await studio.GenerateAsync("alice", prompt)).Id);
        }

        await studio.GenerateAsync("bob", "a red circle");
        var search = studio.Services.GetRequiredService<ImageSearch>();
        await WaitForIndexAsync(search, "alice", 4);
        await WaitForIndexAsync(search, "bob", 1);

        // Known scores: the squares 0.9, the circle 0.2, the triangles 0.5; the red square's vector is gone (not indexed).
        await using (var db = await studio.OpenDatabaseAsync())
        {
            var imageOf = await db.Images.Where(i => i.OwnerId == "alice").ToDictionaryAsync(i => i.JobId, i => i.Id);
            var vectors = await db.ImageEmbeddings.Where(e => e.OwnerId == "alice").ToDictionaryAsync(e => e.ImageId);
            vectors[imageOf[jobs[0]]].PromptScore = 0.2f;
            vectors[imageOf[jobs[1]]].PromptScore = 0.9f;
            vectors[imageOf[jobs[2]]].PromptScore = 0.5f;
            db.ImageEmbeddings.Remove(vectors[imageOf[jobs[3]]]);
            await db.SaveChangesAsync();
        }

        var all = await search.ByPromptScoreAsync("alice", new GalleryFilter(Order: GalleryOrder.BestMatch), page: 1, pageSize: 10);
        Assert.Equal(["two blue squares", "three green triangles", "a red circle", "a red square"], all.Images.Items.Select(i => i.Job!.Prompt));
        Assert.Equal((4, 1), (all.Images.Total, all.NotIndexed));
        Assert.Equal([0.9f, 0.5f, 0.2f], all.Images.Items.Take(3).Select(i => all.Scores[i.Id]));
        Assert.False(all.Scores.ContainsKey(all.Images.Items[3].Id));

        // The filter's search text is plain text here, and pages follow the order.
        var red = await search.ByPromptScoreAsync("alice", new GalleryFilter("red", Order: GalleryOrder.BestMatch), page: 1, pageSize: 10);
        Assert.Equal(["a red circle", "a red square"], red.Images.Items.Select(i => i.Job!.Prompt));
        var second = await search.ByPromptScoreAsync("alice", new GalleryFilter(Order: GalleryOrder.BestMatch), page: 2, pageSize: 3);
        Assert.Equal(["a red square"], second.Images.Items.Select(i => i.Job!.Prompt));

        var library = studio.Services.GetRequiredService<StableDiffusion.Studio.Library.ImageLibrary>();
        var oldest = await library.SearchAsync("alice", new GalleryFilter(Order: GalleryOrder.Oldest), page: 1, pageSize: 10);
        var newest = await library.SearchAsync("alice", GalleryFilter.None, page: 1, pageSize: 10);
        Assert.Equal(newest.Items.Select(i => i.Id).Reverse(), oldest.Items.Select(i => i.Id));
        Assert.Equal("a red circle", oldest.Items[0].Job!.Prompt);
    }

    [Fact]
    public async Task WithoutAClipModelSearchAnswers503WithTheReason()
    {
        using var studio = new StudioFactory { Configuration = new Dictionary<string, string> { ["Inference:ClipModel"] = "off" } };

        var response = await studio.CreateApiClient().GetAsync("/api/v1/images/search?q=red");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Inference:ClipModel is off", await response.Content.ReadAsStringAsync());
    }

    private static async Task<SearchProgress> WaitForIndexAsync(ImageSearch search, string ownerId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var progress = await search.ProgressAsync(ownerId);
            if (progress.Indexed >= count || DateTime.UtcNow > deadline)
            {
                return progress;
            }

            await Task.Delay(50);
        }
    }
}
