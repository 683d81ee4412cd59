using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Studio.Api;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>Behaviour that needs a job to stay running: the fake pipeline holds every job at its start until released.</summary>
[Collection(ApiCollection.Name)]
public sealed class HeldQueueApiTests(HeldApiStudio studio) : IClassFixture<HeldApiStudio>, IAsyncLifetime
{
    private static readonly object Small = new { prompt = "held", steps = 3, width = 64, height = 64 };

    public Task InitializeAsync()
    {
        studio.Fake.Hold();
        return Task.CompletedTask;
    }

    /// <summary>Lets every held job finish, so the next test starts with empty queues.</summary>
    public async Task DisposeAsync()
    {
        studio.Fake.Release();
        foreach (var key in new[] { studio.AliceKey, studio.BobKey })
        {
            var client = studio.Bearer(key);
            var page = await client.GetFromJsonAsync<GenerationList>("/api/v1/generations?pageSize=100", ApiStudio.Json);
            foreach (var job in page!.Items.Where(j => j.Status is "queued" or "running"))
            {
                await ApiStudio.WaitForFinishAsync(client, job.Url);
            }
        }
    }

    [Fact]
    public async Task ProgressAndInterruptTouchOnlyTheCallersOwnJob()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var bob = studio.Bearer(studio.BobKey);
        var call = alice.PostAsJsonAsync("/sdapi/v1/txt2img", Small);
        await WaitUntilAsync(async () => (await ProgressAsync(alice)).GetProperty("state").GetProperty("job_count").GetInt32() == 1);

        var bobProgress = await ProgressAsync(bob);
        var bobInterrupt = await bob.PostAsync("/sdapi/v1/interrupt", null);
        var aliceAfterBob = await ProgressAsync(alice);
        var aliceInterrupt = await alice.PostAsync("/sdapi/v1/interrupt", null);
        var answer = await A1111Answer.ReadAsync(await call.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(0, bobProgress.GetProperty("progress").GetDouble());
        Assert.Equal(0, bobProgress.GetProperty("state").GetProperty("job_count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, bobInterrupt.StatusCode);
        Assert.Equal(1, aliceAfterBob.GetProperty("state").GetProperty("job_count").GetInt32());
        Assert.InRange(aliceAfterBob.GetProperty("progress").GetDouble(), 0.01, 1);
        Assert.Equal(HttpStatusCode.OK, aliceInterrupt.StatusCode);
        Assert.Equal("cancelled", answer.Info.GetProperty("status").GetString());
        Assert.Empty(answer.Images);
    }

    [Fact]
    public async Task QueueFullIs429WithRetryAfterOnBothApisAndOnlyForThatUser()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var running = await alice.PostAsJsonAsync("/api/v1/generations", Small);
        var runningUrl = running.Headers.Location!.ToString();
        await WaitUntilAsync(async () => (await alice.GetFromJsonAsync<GenerationResponse>(runningUrl, ApiStudio.Json))!.Status == "running");
        var waiting = new List<HttpResponseMessage>();
        for (var i = 0; i < HeldApiStudio.QueueCap; i++)
        {
            waiting.Add(await alice.PostAsJsonAsync("/api/v1/generations", Small));
        }

        var native = await alice.PostAsJsonAsync("/api/v1/generations", Small);
        var a1111 = await alice.PostAsJsonAsync("/sdapi/v1/txt2img", Small);
        var bob = await studio.Bearer(studio.BobKey).PostAsJsonAsync("/api/v1/generations", Small);

        Assert.All(waiting, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        foreach (var full in new[] { native, a1111 })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
            Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
            Assert.True(full.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        Assert.Equal(HttpStatusCode.Accepted, bob.StatusCode);
    }

    [Fact]
    public async Task DeletingAWaitingJobCancelsItAndFreesItsPlace()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var first = await alice.PostAsJsonAsync("/api/v1/generations", Small);
        var second = await alice.PostAsJsonAsync("/api/v1/generations", Small);
        var secondUrl = second.Headers.Location!.ToString();

        var bobDelete = await studio.Bearer(studio.BobKey).DeleteAsync(secondUrl);
        var delete = await alice.DeleteAsync(secondUrl);
        var cancelled = await alice.GetFromJsonAsync<GenerationResponse>(secondUrl, ApiStudio.Json);
        var again = await alice.DeleteAsync(secondUrl);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bobDelete.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("cancelled", cancelled!.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("The generation has already been cancelled.", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WaitingJobShowsItsQueuePosition()
    {
        var alice = studio.Bearer(studio.AliceKey);
        await alice.PostAsJsonAsync("/api/v1/generations", Small);
        var second = await alice.PostAsJsonAsync("/api/v1/generations", Small);
        var url = second.Headers.Location!.ToString();

        await WaitUntilAsync(async () => (await alice.GetFromJsonAsync<GenerationResponse>(url, ApiStudio.Json))!.QueuePosition == 1);
        var job = await alice.GetFromJsonAsync<GenerationResponse>(url, ApiStudio.Json);

        Assert.Equal("queued", job!.Status);
        Assert.Equal(1, job.QueuePosition);
    }

    [Fact]
    public async Task MissingSizeTakesTheModelsNativeSizeAndSaysSo()
    {
        studio.Fake.Release();

        var answer = await A1111Answer.PostAsync(studio.Bearer(studio.AliceKey), "/sdapi/v1/txt2img", new { prompt = "native size", steps = 2 });

        Assert.Equal(64, answer.Info.GetProperty("width").GetInt32());
        Assert.Equal(64, answer.Info.GetProperty("height").GetInt32());
        Assert.Contains(answer.Info.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("native size 64x64"));
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
