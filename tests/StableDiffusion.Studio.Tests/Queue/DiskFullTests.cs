using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Storage;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class DiskFullTests
{
    [Fact]
    public async Task AJobWhosePngDoesNotFitEndsFailedForLackOfSpaceAndLeavesNoFileBehind()
    {
        using var studio = new StudioFactory();
        studio.Volume.Full = true;

        var job = (await studio.Submission.SubmitAsync("alice", Settings.Valid("a square too big") with { BatchCount = 2 })).Queued();
        var finished = await studio.WaitForFinishAsync("alice", job.Id, TimeSpan.FromSeconds(20));
        studio.Volume.Full = false;
        var next = await studio.GenerateAsync("alice", "after the space was freed");

        Assert.Equal(JobStatus.Failed, finished.Status);
        Assert.Equal(DiskFull.Error, finished.Error);
        Assert.Empty(finished.Images);
        Assert.Equal([next.Images[0].FilePath.Replace('/', Path.DirectorySeparatorChar)], ImageFiles(studio.DataDirectory));
    }

    [Fact]
    public async Task TheA1111CallWaitingOnAJobThatRanOutOfSpaceGets507()
    {
        using var studio = new StudioFactory();
        studio.Volume.Full = true;

        var response = await studio.CreateApiClient().PostAsJsonAsync("/sdapi/v1/txt2img", new { prompt = "a red circle", steps = 2, width = 64, height = 64 });
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(DiskFull.Error, problem!.Detail);
    }

    [Fact]
    public async Task ADriveBelowTheMinimumRefusesNewJobsWith507AndAMessageOnTheForm()
    {
        using var studio = new StudioFactory { Configuration = new Dictionary<string, string> { ["Studio:MinFreeDiskBytes"] = "1000" } };
        studio.Volume.Available = 999;

        var refused = await studio.Submission.SubmitAsync("alice", Settings.Valid("no room"));
        var response = await studio.CreateApiClient().PostAsJsonAsync("/api/v1/generations", new { prompt = "no room either" });
        await using var db = await studio.OpenDatabaseAsync();

        Assert.Equal(1000, Assert.IsType<SubmitOutcome.DiskFull>(refused).MinFreeBytes);
        Assert.Contains("disk space", SubmitFeedback.From(refused).Message);
        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(db.Jobs);
    }

    [Fact]
    public async Task StartingSweepsHalfWrittenFilesAndFilesNoRowNames()
    {
        using var data = new TemporaryDataDirectory("studio-orphans-");
        var dataDirectory = data.Path;
        string kept;
        using (var before = new StudioFactory { DataDirectory = dataDirectory })
        {
            kept = (await before.GenerateAsync("alice", "a kept square")).Images[0].FilePath;
        }

        var folder = Path.Combine(dataDirectory, "images", "2020-01");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "orphan.png"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(folder, "half.png.tmp"), []);
        Directory.CreateDirectory(Path.Combine(dataDirectory, "uploads"));
        File.WriteAllBytes(Path.Combine(dataDirectory, "uploads", "orphan.png"), [1]);

        using var after = new StudioFactory { DataDirectory = dataDirectory };
        _ = after.Server;

        Assert.Equal([kept.Replace('/', Path.DirectorySeparatorChar)], ImageFiles(dataDirectory));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDirectory, "uploads")));
    }

    [Fact]
    public void AWriteToAFullLinuxDeviceIsRecognisedAsDiskFull()
    {
        if (!File.Exists("/dev/full"))
        {
            return;
        }

        // /dev/full answers every write with ENOSPC: the real exception .NET throws, not the fake's imitation.
        var failure = Record.Exception(() =>
        {
            using var file = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            file.Write(new byte[16]);
            file.Flush(flushToDisk: true);
        });

        Assert.True(DiskFull.Is(failure), failure?.ToString());
        Assert.False(DiskFull.Is(new IOException("some other failure")));
    }

    [Fact]
    public void TheRealVolumeKnowsTheDataDrivesFreeSpace()
    {
        using var studio = new StudioFactory();
        var paths = studio.Services.GetRequiredService<StudioPaths>();

        var available = new DataVolume(paths).AvailableBytes();

        // long.MaxValue is the "unknown" answer, which would quietly turn the check off.
        Assert.InRange(available, 1, long.MaxValue - 1);
    }

    private static List<string> ImageFiles(string dataDirectory)
    {
        var images = Path.Combine(dataDirectory, "images");
        return Directory.Exists(images)
            ? Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dataDirectory, f)).ToList()
            : [];
    }
}
