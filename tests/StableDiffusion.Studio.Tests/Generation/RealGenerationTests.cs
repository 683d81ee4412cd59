using StableDiffusion.Studio.Queue;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

/// <summary>The studio over the real inference library, on the tiny random-weight fixture models.</summary>
public sealed class RealGenerationTests : IClassFixture<RealStudio>
{
    private const string Model = "fp32-ids-int64-timestep-float32-one";
    private readonly StudioFactory studio;

    public RealGenerationTests(RealStudio real) => studio = real.Studio;

    [Fact]
    public async Task EveryFixtureModelIsListedAsAvailableAndTheFirstIsLoadedOnItsExecutionProvider()
    {
        var models = studio.Services.GetRequiredService<IImageGenerator>().Models;

        Assert.Contains(models, m => m.Name == Model);
        Assert.All(models, m => Assert.True(m.IsAvailable, m.UnavailableReason));
        // Only the first model loads at start; the others report their provider once a job has loaded them.
        Assert.Equal("CPU", models[0].ExecutionProvider);
        Assert.All(models, m => Assert.Contains(m.ExecutionProvider, new[] { "CPU", "not loaded" }));
        var health = await studio.CreateClient().GetStringAsync("/healthz");
        Assert.Contains("\"executionProvider\":\"CPU\"", health);
    }

    [Fact]
    public async Task ASubmittedJobWritesAPngWithItsParametersAndReportsEveryStep()
    {
        var settings = Settings.Valid("a red circle on a blue square", Model);
        settings.Steps = 3;
        settings.Scheduler = "euler-a";
        var feed = studio.Services.GetRequiredService<JobProgressFeed>();
        var steps = new ConcurrentQueue<JobUpdate>();
        var result = await studio.Submission.SubmitAsync("painter", settings);
        Assert.IsType<SubmitOutcome.Queued>(result);
        using (feed.SubscribeJob(result.Queued().Id, steps.Enqueue))
        {
            var job = await studio.WaitForFinishAsync("painter", result.Queued().Id, TimeSpan.FromSeconds(60));

            Assert.Equal(JobStatus.Succeeded, job.Status);
            var image = Assert.Single(job.Images);
            var file = Path.Combine(studio.DataDirectory, image.FilePath);
            Assert.True(File.Exists(file));
            var parameters = PngInfo.ReadParameters(await File.ReadAllBytesAsync(file));
            Assert.NotNull(parameters);
            Assert.StartsWith("a red circle on a blue square", parameters);
            Assert.Contains("Steps: 3", parameters);
            Assert.Contains($"Seed: {job.Seed}", parameters);
            Assert.Equal(parameters, image.Parameters);
            Assert.NotNull(job.TotalMilliseconds);
        }

        var running = steps.Where(u => u.Status == JobStatus.Running && u.Step > 0).Select(u => u.Step).ToList();
        Assert.Equal([1, 2, 3], running);
    }

    [Fact]
    public async Task ImageToImageRunsFromAnUploadedPicture()
    {
        var settings = Settings.Valid("img2img", Model);
        settings.Steps = 4;
        settings.Strength = 0.5;
        using (var picture = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(40, 24))
        using (var stream = new MemoryStream())
        {
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(picture, stream);
            settings.InitImage = stream.ToArray();
        }

        var result = await studio.Submission.SubmitAsync("painter", settings);
        Assert.IsType<SubmitOutcome.Queued>(result);
        var job = await studio.WaitForFinishAsync("painter", result.Queued().Id, TimeSpan.FromSeconds(60));

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(0.5, job.Strength);
        Assert.True(File.Exists(Path.Combine(studio.DataDirectory, job.InitImagePath!)));
        Assert.Single(job.Images);
    }
}
