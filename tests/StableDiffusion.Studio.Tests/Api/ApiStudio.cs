using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Hubs;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// The studio's test harness with API configuration on top: a configured (headless) key, an allowed CORS origin,
/// and keys made through the settings service for alice (one live, one revoked) and bob. With the real pipeline on
/// the fixture models unless <c>realModels</c> is false (then the harness's steerable fake).
/// </summary>
public class ApiStudio : IAsyncLifetime
{
    public const string ConfiguredUser = "headless-bot";
    public const string ConfiguredKey = "configured-key-0123456789";
    public const string AllowedOrigin = "https://allowed.example";

    private readonly StudioFactory studio;

    public ApiStudio()
        : this(realModels: true, maxQueuedJobsPerUser: 10)
    {
    }

    protected ApiStudio(bool realModels, int maxQueuedJobsPerUser, int submitsPerMinutePerUser = 10_000, Action<IWebHostBuilder>? configure = null)
    {
        studio = new StudioFactory
        {
            RealModels = realModels, MaxQueuedJobsPerUser = maxQueuedJobsPerUser, SubmitsPerMinutePerUser = submitsPerMinutePerUser,
        };
        App = studio.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Api:Keys:0:User", ConfiguredUser);
            builder.UseSetting("Api:Keys:0:Key", ConfiguredKey);
            builder.UseSetting("Api:AllowedOrigins:0", AllowedOrigin);
            configure?.Invoke(builder);
        });
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public WebApplicationFactory<Program> App { get; }

    public FakeImageGenerator Fake => studio.Fake;

    public string AliceKey { get; private set; } = "";

    public string BobKey { get; private set; } = "";

    public string RevokedKey { get; private set; } = "";

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        var keys = Service<ApiKeyService>();
        AliceKey = (await keys.CreateAsync("alice", "alice's script")).Key;
        BobKey = (await keys.CreateAsync("bob", "bob's bot")).Key;
        var revoked = await keys.CreateAsync("alice", "old laptop");
        Assert.True(await keys.RevokeAsync("alice", revoked.Record.Id));
        RevokedKey = revoked.Key;
    }

    public virtual Task DisposeAsync()
    {
        studio.Dispose();
        return Task.CompletedTask;
    }

    public HttpClient Anonymous() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public HttpClient Bearer(string key)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>HTTP Basic with the key as password, as Open WebUI sends its "user:KEY" auth string.</summary>
    public HttpClient Basic(string key, string user = "user")
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{key}")));
        return client;
    }

    /// <summary>A browser of <paramref name="userId"/>: the identity cookie and no key.</summary>
    public HttpClient Browser(string userId)
    {
        var options = Service<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = new AuthenticationTicket(StudioIdentity.CreatePrincipal(userId),
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = DateTimeOffset.UtcNow.AddDays(1) },
            CookieAuthenticationDefaults.AuthenticationScheme);
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", $"{StudioIdentity.CookieName}={options.TicketDataFormat.Protect(ticket)}");
        return client;
    }

    public HubConnection HubConnection(string key) => new HubConnectionBuilder()
        .WithUrl(new Uri(App.Server.BaseAddress, GenerationHub.Path), options =>
        {
            options.Transports = HttpTransportType.LongPolling;
            options.HttpMessageHandlerFactory = _ => App.Server.CreateHandler();
            options.AccessTokenProvider = () => Task.FromResult<string?>(key);
        })
        .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();

    public async Task<int> CountJobsAsync()
    {
        await using var db = await Service<IDbContextFactory<StudioDbContext>>().CreateDbContextAsync();
        return await db.Jobs.CountAsync();
    }

    public async Task<JobRecord?> FindJobAsync(Guid jobId)
    {
        await using var db = await Service<IDbContextFactory<StudioDbContext>>().CreateDbContextAsync();
        return await db.Jobs.AsNoTracking().Include(j => j.Images).FirstOrDefaultAsync(j => j.Id == jobId);
    }

    /// <summary>Polls GET /api/v1/generations/{id} until the job is over.</summary>
    public static async Task<GenerationResponse> WaitForFinishAsync(HttpClient client, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var job = await client.GetFromJsonAsync<GenerationResponse>(url, Json);
            if (job!.Status is "succeeded" or "failed" or "cancelled")
            {
                return job;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{url} did not finish in time.");
    }
}
