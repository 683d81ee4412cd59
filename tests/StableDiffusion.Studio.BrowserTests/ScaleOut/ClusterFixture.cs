using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;

namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>
/// The studio as a team runs it past one GPU box, on this machine: a private PostgreSQL and Redis, one web node and
/// two worker processes of the real executable sharing one data directory. A test that kills a worker gets it back
/// from <see cref="EnsureWorkersAsync"/>.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int LeaseSeconds = 3;

    /// <summary>API users, each with its key "&lt;name&gt;-key-0123456789".</summary>
    public static readonly string[] Users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"];

    public static readonly string[] WorkerNames = ["worker-a", "worker-b"];

    private readonly ConcurrentDictionary<string, StudioServer> workers = new();
    private readonly SemaphoreSlim workerGate = new(1, 1);
    private string dataDirectory = "";
    private PostgresInstance? postgres;
    private RedisInstance? redis;
    private StudioServer? web;
    private IPlaywright? playwright;

    public StudioServer Web => web ?? throw new InvalidOperationException("The web node has not started.");

    public RedisInstance Redis => redis ?? throw new InvalidOperationException("Redis has not started.");

    public StudioServer Worker(string name) => workers[name];

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout((float)StudioFixture.Timeout.TotalMilliseconds);
        dataDirectory = Directory.CreateTempSubdirectory("studio-cluster-data-").FullName;
        var startingPostgres = PostgresInstance.StartAsync();
        var startingRedis = RedisInstance.StartAsync();
        playwright = await Playwright.CreateAsync();
        postgres = await startingPostgres;
        redis = await startingRedis;
        // The web node migrates the database first; the workers find it ready.
        web = await StudioServer.StartAsync(WebEnvironment());
        await EnsureWorkersAsync();
    }

    /// <summary>Starts whichever of the two workers is not running (never started, or killed by a test).</summary>
    public async Task EnsureWorkersAsync()
    {
        await workerGate.WaitAsync();
        try
        {
            var starting = WorkerNames
                .Where(name => !workers.TryGetValue(name, out var worker) || worker.HasExited)
                .Select(async name =>
                {
                    if (workers.TryRemove(name, out var dead))
                    {
                        await dead.DisposeAsync();
                    }

                    workers[name] = await StudioServer.StartAsync(WorkerEnvironment(name));
                });
            await Task.WhenAll(starting);
        }
        finally
        {
            workerGate.Release();
        }
    }

    /// <summary>Submits a job through the studio API on the web node as <paramref name="user"/>; returns its id.</summary>
    /// <param name="size">The image's width and height; above the embedded model's 64 it runs for longer (192: about 9×, so
    /// 150 steps outlast other requests on a fast machine as on a loaded one).</param>
    public async Task<Guid> SubmitAsync(string user, string prompt, int steps, int size = 64)
    {
        using var http = ApiClient(user);
        using var response = await http.PostAsJsonAsync("/api/v1/generations", new { prompt, steps, seed = 1, width = size, height = size });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Submitting as {user} answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Cancels a job through the studio API on the web node; a running one stops on whichever worker runs it.</summary>
    public async Task CancelAsync(string user, Guid id)
    {
        using var http = ApiClient(user);
        using var response = await http.DeleteAsync($"/api/v1/generations/{id}");
        Assert.True(response.IsSuccessStatusCode, $"Cancelling as {user} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The ids of the jobs made with this prompt (the browser tests' jobs have no id the test could read).</summary>
    public async Task<IReadOnlyList<Guid>> JobIdsWithPromptAsync(string prompt)
    {
        await using var connection = new NpgsqlConnection(postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Id" FROM "Jobs" WHERE "Prompt" = @prompt""", connection);
        command.Parameters.AddWithValue("prompt", prompt);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    public async Task<IReadOnlyList<JobRow>> JobsAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT j."Id", j."OwnerId", j."Status", j."WorkerId", j."Attempts", j."CreatedAt", j."StartedAt", j."FinishedAt", j."Error",
                   (SELECT count(*) FROM "Images" i WHERE i."JobId" = j."Id")
            FROM "Jobs" j WHERE j."Id" = ANY(@ids)
            """, connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var rows = new List<JobRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new JobRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt32(4), reader.GetDateTime(5), reader.IsDBNull(6) ? null : reader.GetDateTime(6),
                reader.IsDBNull(7) ? null : reader.GetDateTime(7), reader.IsDBNull(8) ? null : reader.GetString(8), (int)reader.GetInt64(9)));
        }

        return rows;
    }

    /// <summary>Polls the database every 50 ms until the jobs satisfy <paramref name="done"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<JobRow>> WaitForJobsAsync(IReadOnlyCollection<Guid> ids, Func<IReadOnlyList<JobRow>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await JobsAsync(ids);
            if (done(rows))
            {
                return rows;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The jobs did not get there in time: " + string.Join("; ", rows.Select(r => $"{r.Id} {r.Status} on {r.WorkerId} ({r.Attempts})")));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The web node's /healthz.</summary>
    public async Task<JsonElement> HealthAsync()
    {
        using var http = new HttpClient { BaseAddress = Web.BaseAddress };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/healthz"));
        return json.RootElement.Clone();
    }

    public async Task<BrowserUser> OpenBrowserAsync(string name)
    {
        var profile = Directory.CreateTempSubdirectory("studio-browser-profile-").FullName;
        var context = await playwright!.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
            BaseURL = Web.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout((float)StudioFixture.Timeout.TotalMilliseconds);
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        return new BrowserUser(context, page, profile, name);
    }

    /// <summary>Runs a test; if it fails, every node's console output goes into the test's output.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            output.WriteLine("Web node output:");
            output.WriteLine(Web.Log);
            foreach (var (name, worker) in workers)
            {
                output.WriteLine($"{name} output:");
                output.WriteLine(worker.Log);
            }

            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in workers.Values)
        {
            await worker.DisposeAsync();
        }

        if (web is not null)
        {
            await web.DisposeAsync();
        }

        playwright?.Dispose();
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    private HttpClient ApiClient(string user)
    {
        var http = new HttpClient { BaseAddress = Web.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{user}-key-0123456789")));
        return http;
    }

    private Dictionary<string, string> SharedEnvironment() => new()
    {
        ["Studio__DataDirectory"] = dataDirectory,
        ["Studio__Database__Provider"] = "Postgres",
        ["Studio__Database__ConnectionString"] = postgres!.ConnectionString,
        ["Studio__Redis"] = redis!.Configuration,
        ["Studio__LeaseSeconds"] = LeaseSeconds.ToString(),
    };

    private Dictionary<string, string> WebEnvironment()
    {
        var environment = SharedEnvironment();
        environment["Studio__Roles"] = "web";
        environment["Studio__MaxQueuedJobsPerUser"] = "100";
        environment["Studio__SubmitsPerMinutePerUser"] = "1000";
        for (var i = 0; i < Users.Length; i++)
        {
            environment[$"Api__Keys__{i}__User"] = Users[i];
            environment[$"Api__Keys__{i}__Key"] = $"{Users[i]}-key-0123456789";
        }

        return environment;
    }

    private Dictionary<string, string> WorkerEnvironment(string name)
    {
        var environment = SharedEnvironment();
        environment["Studio__Roles"] = "worker";
        environment["Studio__WorkerName"] = name;
        return environment;
    }
}
