using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// <c>sd bench --users N --jobs M</c>: the studio's own queue and worker in this process (SQLite in a temporary data
/// directory, the real claims, fair order, worker and PNG writes), with N users each submitting M jobs at once at the
/// model's defaults; measures images per second from the first submission to the last job's end. One studio runs with
/// shared batches off (<c>Studio:Worker:MaxBatch</c> 1) and one with them on; the two are alternated run by run so both
/// see the same machine.
/// </summary>
internal sealed class QueueBench(WebApplication app, string dataDirectory) : IAsyncDisposable
{
    private static readonly string[] Prompts =
    [
        "a red circle on a blue background", "two yellow squares on a black background", "a green triangle", "a blue square on a white background",
        "three red triangles", "a yellow circle and a green square", "a white circle on a red background", "two blue circles",
    ];

    /// <summary>A studio with only the worker role, on the model folder's parent as its models directory.</summary>
    public static async Task<QueueBench> StartAsync(string modelDirectory, int maxBatch, int jobsPerUser, InferenceOptions inference)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sd-bench-").FullName;
        var model = Path.GetFullPath(modelDirectory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Studio:DataDirectory"] = dataDirectory,
            ["Studio:Roles"] = "worker",
            ["Studio:Worker:MaxBatch"] = maxBatch.ToString(CultureInfo.InvariantCulture),
            ["Studio:MaxQueuedJobsPerUser"] = Math.Max(jobsPerUser, 1).ToString(CultureInfo.InvariantCulture),
            ["Studio:SubmitsPerMinutePerUser"] = "10000",
            ["Studio:MinFreeDiskBytes"] = "0",
            ["Inference:ModelsDirectory"] = Path.GetDirectoryName(model),
            ["Inference:DefaultModel"] = Path.GetFileName(model),
            ["Inference:ExecutionProvider"] = inference.ExecutionProvider,
            ["Inference:IntraOpThreads"] = inference.IntraOpThreads.ToString(CultureInfo.InvariantCulture),
            ["Inference:AllowSpinning"] = inference.AllowSpinning.ToString(),
        });
        builder.Logging.ClearProviders();
        // Nothing is served: the port only exists because the host is a web host.
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddStudioServices();
        var app = builder.Build();
        await app.PrepareStudioAsync();
        await app.StartAsync();
        return new QueueBench(app, dataDirectory);
    }

    /// <summary>
    /// Every user submits <paramref name="jobs"/> jobs at once; returns the images made, the seconds until the last one
    /// ended, and the CPU seconds this process used meanwhile (which other work on the machine disturbs far less).
    /// </summary>
    public async Task<(int Images, double Seconds, double CpuSeconds)> RunAsync(int users, int jobs, GenerationSettings defaults, long firstSeed, CancellationToken cancellationToken)
    {
        var submission = app.Services.GetRequiredService<IJobSubmission>();
        var feed = app.Services.GetRequiredService<JobProgressFeed>();
        var total = users * jobs;
        var ended = new ConcurrentDictionary<Guid, JobUpdate>();
        var allEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnUpdate(JobUpdate update)
        {
            if (update.IsFinished && ended.TryAdd(update.JobId, update) && ended.Count == total)
            {
                allEnded.TrySetResult();
            }
        }

        feed.PublishedHere += OnUpdate;
        try
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, users).Select(user => Task.Run(async () =>
            {
                for (var job = 0; job < jobs; job++)
                {
                    var settings = defaults with { Prompt = Prompts[user % Prompts.Length], Seed = firstSeed + user * jobs + job };
                    var outcome = await submission.SubmitAsync($"user-{user}", settings, cancellationToken);
                    if (outcome is not SubmitOutcome.Queued)
                    {
                        var reason = outcome is SubmitOutcome.Invalid invalid ? string.Join("; ", invalid.Errors.Values) : outcome.GetType().Name;
                        throw new InvalidOperationException($"The queue refused user {user}'s job {job}: {reason}");
                    }
                }
            }, cancellationToken)));
            await allEnded.Task.WaitAsync(cancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            if (ended.Values.FirstOrDefault(u => u.Status != Studio.Data.JobStatus.Succeeded) is { } failed)
            {
                throw new InvalidOperationException($"A job ended {failed.Status}: {failed.Error}");
            }
            return (ended.Values.Sum(u => u.ImageIds.Count), seconds, cpuSeconds);
        }
        finally
        {
            feed.PublishedHere -= OnUpdate;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is the system's to clean.
        }
    }
}
