using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Health;

/// <summary>/healthz: the execution provider in use and why, each model's availability, and the queue's length.</summary>
public static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", async (IImageGenerator generator, IDbContextFactory<StudioDbContext> contexts, CancellationToken cancellationToken) =>
        {
            var models = generator.Models;
            var active = models.FirstOrDefault(m => m.IsAvailable);
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var queued = await db.Jobs.CountAsync(j => j.Status == JobStatus.Queued, cancellationToken);
            var running = await db.Jobs.CountAsync(j => j.Status == JobStatus.Running, cancellationToken);
            return Results.Json(new
            {
                status = active is null ? "degraded" : "ok",
                executionProvider = active?.ExecutionProvider ?? "none",
                executionProviderReason = active?.ExecutionProviderReason ?? "no model could be loaded",
                models = models.Select(m => new { name = m.Name, available = m.IsAvailable, reason = m.UnavailableReason }),
                queue = new { queued, running },
            });
        });
        return endpoints;
    }
}
