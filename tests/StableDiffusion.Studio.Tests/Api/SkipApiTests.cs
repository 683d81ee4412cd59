using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Studio.Api;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>Skip on both APIs: it ends the running job's current batch and the job goes on with the rest.</summary>
[Collection(ApiCollection.Name)]
public sealed class SkipApiTests(HeldApiStudio studio) : IClassFixture<HeldApiStudio>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        // Slow enough steps (two seconds a batch) that a skip lands in the batch the test saw running, even on a busy machine.
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(100);
        studio.Fake.Release();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        studio.Fake.Release();
        var client = studio.Bearer(studio.AliceKey);
        var page = await client.GetFromJsonAsync<GenerationList>("/api/v1/generations?pageSize=100", ApiStudio.Json);
        foreach (var job in page!.Items.Where(j => j.Status is "queued" or "running"))
        {
            await ApiStudio.WaitForFinishAsync(client, job.Url);
        }
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(1);
    }

    [Fact]
    public async Task SkipEndsTheRunningImageAndTheJobFinishesWithTheRestOnlyForItsOwner()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var created = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "three in a row", steps = 20, batchCount = 3, width = 64, height = 64 });
        var url = created.Headers.Location!.ToString();
        await WaitUntilAsync(async () => (await alice.GetFromJsonAsync<GenerationResponse>(url, ApiStudio.Json))! is { Status: "running", Step: >= 1 });
        var current = (await alice.GetFromJsonAsync<GenerationResponse>(url, ApiStudio.Json))!.ImageIndex;

        var bobs = await studio.Bearer(studio.BobKey).PostAsync(url + "/skip", null);
        var alices = await alice.PostAsync(url + "/skip", null);
        var done = await ApiStudio.WaitForFinishAsync(alice, url);

        Assert.Equal(HttpStatusCode.NotFound, bobs.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, alices.StatusCode);
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(3, done.Images.Count);
        Assert.Contains($"Image {current + 1} was skipped after", done.Warnings);
        Assert.Single(done.Warnings!.Split('\n'));
        var afterwards = await alice.PostAsync(url + "/skip", null);
        Assert.Equal(HttpStatusCode.Conflict, afterwards.StatusCode);
    }

    [Fact]
    public async Task AWaitingJobCannotBeSkipped()
    {
        studio.Fake.Hold();
        var alice = studio.Bearer(studio.AliceKey);
        var running = (await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "held", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString();
        await WaitUntilAsync(async () => (await alice.GetFromJsonAsync<GenerationResponse>(running, ApiStudio.Json))!.Status == "running");
        var waiting = (await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "waiting", steps = 2, width = 64, height = 64 })).Headers.Location!.ToString();

        var response = await alice.PostAsync(waiting + "/skip", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("waiting in the queue", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A1111SkipEndsTheCallersCurrentBatchAndTheAnswerHasEveryImage()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var call = alice.PostAsJsonAsync("/sdapi/v1/txt2img", new { prompt = "two batches", steps = 20, batch_size = 2, n_iter = 2, width = 64, height = 64 });
        await WaitUntilAsync(async () => (await ProgressAsync(alice)).GetProperty("state") is var state
            && state.GetProperty("job_count").GetInt32() == 2 && state.GetProperty("sampling_step").GetInt32() >= 1);
        var batch = (await ProgressAsync(alice)).GetProperty("state").GetProperty("job_no").GetInt32();

        var skip = await alice.PostAsync("/sdapi/v1/skip", null);
        var answer = await A1111Answer.ReadAsync(await call.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(HttpStatusCode.OK, skip.StatusCode);
        Assert.Equal("succeeded", answer.Info.GetProperty("status").GetString());
        Assert.Equal(4, answer.Images.Count);
        var job = await studio.FindJobAsync(Guid.Parse(answer.Info.GetProperty("job_id").GetString()!));
        Assert.StartsWith($"Image {batch * 2 + 1} was skipped after", job!.Warnings);
    }

    private static async Task<JsonElement> ProgressAsync(HttpClient client) =>
        await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/progress?skip_current_image=true");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition never became true.");
            }

            await Task.Delay(20);
        }
    }
}
