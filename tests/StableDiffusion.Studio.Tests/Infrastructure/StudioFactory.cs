using StableDiffusion.Studio.Queue;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Hubs;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Tests.Infrastructure;

/// <summary>
/// The real studio on a TestServer with a real SQLite file in its own temp data directory. With a
/// <see cref="FakeImageGenerator"/> by default; <c>realModels</c> runs the real pipeline on the fixture models.
/// </summary>
public sealed class StudioFactory : WebApplicationFactory<Program>
{
    private string? dataDirectory;

    /// <summary>A temp folder deleted on dispose, unless one is given (to restart on the same data).</summary>
    public string DataDirectory
    {
        get => dataDirectory ??= Directory.CreateTempSubdirectory("studio-tests-").FullName;
        init
        {
            dataDirectory = value;
            OwnsDirectory = false;
        }
    }

    private const string AliceApiKey = "alice-test-key-0123456789";

    public bool RealModels { get; init; }

    public int MaxQueuedJobsPerUser { get; init; } = 10;

    public int ShareRequestsPerMinute { get; init; } = 1000;

    /// <summary>High by default: most tests submit in bursts that are not what they test.</summary>
    public int SubmitsPerMinutePerUser { get; init; } = 10_000;

    private bool OwnsDirectory { get; init; } = true;

    public FakeImageGenerator Fake { get; } = new();

    /// <summary>The generator the studio runs instead of <see cref="Fake"/> (a <see cref="FaultyImageGenerator"/>), unless real models are asked for.</summary>
    public IImageGenerator? Generator { get; init; }

    /// <summary>The data directory's drive as the tests steer it: its free space, and writes that run out of room.</summary>
    public FakeDataVolume Volume { get; } = new();

    /// <summary>Services replaced on top of the studio's (after its own), for a test that needs a shorter interval.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>More configuration, by key ("Studio:MinFreeDiskBytes").</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();

    public static string RepositoryRoot => StudioContentRoot.Find();

    public static string FixtureModels => Path.Combine(RepositoryRoot, "tests", "fixtures", "models");

    public IJobSubmission Submission => Services.GetRequiredService<IJobSubmission>();

    public IJobQueries Jobs => Services.GetRequiredService<IJobQueries>();

    public IJobClaims Claims => Services.GetRequiredService<IJobClaims>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Studio:DataDirectory", DataDirectory);
        builder.UseSetting("Studio:MaxQueuedJobsPerUser", MaxQueuedJobsPerUser.ToString());
        builder.UseSetting("Studio:ShareRequestsPerMinute", ShareRequestsPerMinute.ToString());
        builder.UseSetting("Studio:SubmitsPerMinutePerUser", SubmitsPerMinutePerUser.ToString());
        builder.UseSetting("Inference:ModelsDirectory", FixtureModels);
        builder.UseSetting("Inference:ExecutionProvider", "cpu");
        // Most tests watch one job at a time go through the queue; the shared-batch tests set their own limit.
        builder.UseSetting("Studio:Worker:MaxBatch", "1");
        // Subclasses that configure keys of their own (ApiStudio) replace this one.
        builder.UseSetting("Api:Keys:0:User", "alice");
        builder.UseSetting("Api:Keys:0:Key", AliceApiKey);
        foreach (var (key, value) in Configuration)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<IDataVolume>(Volume)));
        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }

        if (!RealModels)
        {
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<IImageGenerator>(Generator ?? Fake)));
        }
    }

    /// <summary>A client carrying the identity cookie of <paramref name="userId"/>, as that user's browser would.</summary>
    public HttpClient CreateClientFor(string userId)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{StudioIdentity.CookieName}={CookieFor(userId)}");
        return client;
    }

    /// <summary>alice's script on the APIs, with the key the harness configures for her under Api:Keys.</summary>
    public HttpClient CreateApiClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AliceApiKey);
        return client;
    }

    public HubConnection CreateHubConnection(string userId) => new HubConnectionBuilder()
        .WithUrl(new Uri(Server.BaseAddress, GenerationHub.Path), options =>
        {
            options.Transports = HttpTransportType.LongPolling;
            options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
            options.Headers["Cookie"] = $"{StudioIdentity.CookieName}={CookieFor(userId)}";
        })
        .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();

    public async Task<StudioDbContext> OpenDatabaseAsync() =>
        await Services.GetRequiredService<IDbContextFactory<StudioDbContext>>().CreateDbContextAsync();

    /// <summary>Polls the jobs table until the job is over.</summary>
    public async Task<JobRecord> WaitForFinishAsync(string ownerId, Guid jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var job = await Jobs.GetAsync(ownerId, jobId);
            if (job is { Status: JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled })
            {
                return job;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Job {jobId} did not finish in time.");
    }

    /// <summary>Polls until the job has been claimed by the worker.</summary>
    public async Task WaitForStatusAsync(string ownerId, Guid jobId, JobStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await Jobs.GetAsync(ownerId, jobId))?.Status != status)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId} never became {status}.");
            }

            await Task.Delay(20);
        }
    }

    public async Task<JobRecord> GenerateAsync(string ownerId, string prompt = "a red circle")
    {
        var job = (await Submission.SubmitAsync(ownerId, Settings.Valid(prompt))).Queued();
        return await WaitForFinishAsync(ownerId, job.Id);
    }

    protected override void Dispose(bool disposing)
    {
        Fake.Release();
        base.Dispose(disposing);
        if (disposing && OwnsDirectory && dataDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown; the temp folder is cleaned by the OS later.
            }
        }
    }

    private string CookieFor(string userId)
    {
        var options = Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = new AuthenticationTicket(StudioIdentity.CreatePrincipal(userId),
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = DateTimeOffset.UtcNow.AddDays(1) },
            CookieAuthenticationDefaults.AuthenticationScheme);
        return options.TicketDataFormat.Protect(ticket);
    }
}
