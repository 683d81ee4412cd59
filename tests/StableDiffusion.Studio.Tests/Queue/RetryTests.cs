using System.Net;
using System.Net.Http.Json;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class RetryTests
{
    [Fact]
    public async Task RetryingAFailedGenerationQueuesItsSettingsAndSeedAgainAsANewJob()
    {
        using var studio = new StudioFactory();
        var alice = studio.CreateApiClient();
        studio.Volume.Full = true;
        var failed = await studio.GenerateAsync("alice", "a square that did not fit");
        studio.Volume.Full = false;

        var response = await alice.PostAsync($"/api/v1/generations/{failed.Id}/retry", null);
        var created = await response.Content.ReadFromJsonAsync<GenerationCreated>(ApiStudioJson);
        var retried = await studio.WaitForFinishAsync("alice", created!.Id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/v1/generations/{created.Id}", response.Headers.Location?.ToString());
        Assert.NotEqual(failed.Id, retried.Id);
        Assert.Equal(JobStatus.Succeeded, retried.Status);
        Assert.Equal((failed.Prompt, failed.Seed, failed.Steps, failed.Scheduler, failed.Width, failed.Model),
            (retried.Prompt, retried.Seed, retried.Steps, retried.Scheduler, retried.Width, retried.Model));
        Assert.Equal(JobStatus.Failed, (await studio.Jobs.GetAsync("alice", failed.Id))!.Status);
    }

    [Fact]
    public async Task RetryingAnImageToImageJobReadsItsStoredInitImageAgain()
    {
        using var studio = new StudioFactory();
        var settings = Settings.Valid("an img2img that did not fit") with { InitImage = Png(64, 64), Strength = 0.5 };
        studio.Fake.Hold();
        var first = (await studio.Submission.SubmitAsync("alice", settings)).Queued();
        studio.Volume.Full = true;
        studio.Fake.Release();
        await studio.WaitForFinishAsync("alice", first.Id);
        studio.Volume.Full = false;

        var response = await studio.CreateApiClient().PostAsync($"/api/v1/generations/{first.Id}/retry", null);
        var created = await response.Content.ReadFromJsonAsync<GenerationCreated>(ApiStudioJson);
        var retried = await studio.WaitForFinishAsync("alice", created!.Id);
        var requests = studio.Fake.Requests.ToList();

        Assert.Equal(JobStatus.Succeeded, retried.Status);
        Assert.NotNull(retried.InitImagePath);
        Assert.Equal(0.5, retried.Strength);
        Assert.Equal(requests[0].InitImage, requests[1].InitImage);
    }

    [Fact]
    public async Task OnlyTheOwnersFailedOrCancelledJobsCanBeRetried()
    {
        using var studio = new StudioFactory();
        var succeeded = await studio.GenerateAsync("alice", "a fine square");
        var bobs = await studio.GenerateAsync("bob", "please explode");
        var alice = studio.CreateApiClient();

        var again = await alice.PostAsync($"/api/v1/generations/{succeeded.Id}/retry", null);
        var others = await alice.PostAsync($"/api/v1/generations/{bobs.Id}/retry", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
    }

    private static readonly System.Text.Json.JsonSerializerOptions ApiStudioJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static byte[] Png(int width, int height)
    {
        using var picture = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(width, height);
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(picture, stream);
        return stream.ToArray();
    }
}
