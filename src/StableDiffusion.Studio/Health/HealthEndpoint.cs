using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.ScaleOut;

namespace StableDiffusion.Studio.Health;

/// <summary>
/// /healthz: this node's roles, whether it reaches its database and Redis, for a worker the execution provider in
/// use and why and each model's availability, the queue's length, and the workers the database knows.
/// </summary>
public static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", async (
            IImageGenerator generator, IDbContextFactory<StudioDbContext> contexts, StudioRoles roles, IClusterBus bus, WorkerIdentity worker,
            CancellationToken cancellationToken) =>
        {
            var models = generator.Models;
            var active = models.FirstOrDefault(m => m.IsAvailable);
            object? queue = null;
            object? workers = null;
            var database = "ok";
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var queued = await db.Jobs.CountAsync(j => j.Status == JobStatus.Queued, cancellationToken);
                var running = await db.Jobs.CountAsync(j => j.Status == JobStatus.Running, cancellationToken);
                queue = new { queued, running };
                var now = DateTime.UtcNow;
                workers = (await db.Workers.AsNoTracking().OrderBy(w => w.Id).ToListAsync(cancellationToken)).Select(w => new
                {
                    id = w.Id, executionProvider = w.ExecutionProvider, model = w.Model, leaseExpiresAt = w.LeaseExpiresAt,
                    state = w.StoppedAt is not null ? "stopped" : w.LeaseExpiresAt < now ? "expired" : "alive",
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                database = "unreachable";
            }

            var redis = bus.IsConnected switch { null => "none", true => "ok", false => "unreachable" };
            var healthy = database == "ok" && redis != "unreachable" && (!roles.Worker || active is not null);
            return Results.Json(new
            {
                status = healthy ? "ok" : "degraded",
                role = roles.ToString(),
                database,
                redis,
                worker = roles.Worker ? worker.Id : null,
                model = roles.Worker ? active?.Name : null,
                executionProvider = roles.Worker ? active?.ExecutionProvider ?? "none" : null,
                executionProviderReason = roles.Worker ? active?.ExecutionProviderReason ?? "no model could be loaded" : null,
                models = models.Select(m => new { name = m.Name, available = m.IsAvailable, reason = m.UnavailableReason }),
                queue,
                workers,
            });
        });
        return endpoints;
    }
}
