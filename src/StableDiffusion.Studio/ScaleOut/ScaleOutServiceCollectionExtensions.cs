using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Hubs;
using StableDiffusion.Studio.Queue;
using StackExchange.Redis;

using StableDiffusion.Studio.Search;

namespace StableDiffusion.Studio.ScaleOut;

/// <summary>
/// What changes between one process and several nodes: the database engine, the claims that go with it, the
/// roles this process plays, and Redis between nodes. Chosen from configuration before the container is built.
/// </summary>
public static class ScaleOutServiceCollectionExtensions
{
    public static StudioRoles AddStudioNode(this WebApplicationBuilder builder)
    {
        var studio = builder.Configuration.GetSection("Studio").Get<StudioOptions>() ?? new StudioOptions();
        var roles = StudioRoles.Parse(studio.Roles);
        var services = builder.Services;
        services.AddSingleton(roles);
        services.AddSingleton<WorkerIdentity>();
        services.AddSingleton<ClusterOverview>();

        if (studio.Database.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(studio.Database.ConnectionString))
            {
                throw new InvalidOperationException("Studio:Database:Provider is Postgres but Studio:Database:ConnectionString is empty.");
            }

            services.AddDbContextFactory<StudioDbContext>(options => options.UseNpgsql(studio.Database.ConnectionString,
                npgsql => npgsql.MigrationsAssembly("StableDiffusion.Studio.Migrations.Postgres").UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
            services.AddSingleton<IJobClaims, PostgresJobClaims>();
        }
        else
        {
            services.AddDbContextFactory<StudioDbContext>((provider, options) => options.UseSqlite(
                $"Data Source={provider.GetRequiredService<StudioPaths>().DatabaseFile}",
                // Split queries: a page that loads a comparison's jobs and their images reads them in one query per
                // collection, not a cartesian product (and EF Core stops warning about it at runtime).
                sqlite => sqlite.MigrationsAssembly("StableDiffusion.Studio.Migrations").UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
            services.AddSingleton<IJobClaims, JobClaims>();
        }

        if (!string.IsNullOrWhiteSpace(studio.Redis))
        {
            var configuration = ConfigurationOptions.Parse(studio.Redis);
            // Start without Redis and keep retrying: progress is best-effort, the database is the truth.
            configuration.AbortOnConnectFail = false;
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
            // The backplane serves the programs' hub only. Blazor circuits hold their state in one web node's memory
            // and cannot move (sticky sessions), and a circuit must not fail to connect while Redis is away.
            services.Configure<RedisOptions>(options =>
            {
                options.Configuration = configuration.Clone();
                options.Configuration.ChannelPrefix = RedisChannel.Literal("studio-signalr");
            });
            services.AddSingleton<HubLifetimeManager<GenerationHub>, RedisHubLifetimeManager<GenerationHub>>();
            services.AddSingleton<RedisClusterBus>();
            services.AddSingleton<IClusterBus>(provider => provider.GetRequiredService<RedisClusterBus>());
            services.AddHostedService<ClusterBusStartup>();
        }
        else
        {
            services.AddSingleton<IClusterBus, SingleProcessBus>();
        }

        if (roles.Worker)
        {
            services.AddHostedService<GenerationWorker>();
            services.AddSingleton<ImageEmbedder>();
            services.AddHostedService(provider => provider.GetRequiredService<ImageEmbedder>());
            if (studio.Database.IsPostgres)
            {
                services.AddHostedService<LeaseKeeper>();
            }
        }

        return roles;
    }
}
