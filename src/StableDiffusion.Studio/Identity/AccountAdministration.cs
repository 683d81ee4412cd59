using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Identity;

/// <summary>What the administration page does: every account, every waiting or running job, cancel any job, disable an account.</summary>
public sealed partial class AccountAdministration(
    IDbContextFactory<StudioDbContext> contexts,
    IServiceScopeFactory scopes,
    IJobClaims claims,
    ILogger<AccountAdministration> logger)
{
    public sealed record Account(string Id, string Email, DateTime CreatedAt, bool IsDisabled, int Images);

    public sealed record ActiveJob(Guid Id, string OwnerId, string? OwnerEmail, string Prompt, JobStatus Status, DateTime CreatedAt);

    public async Task<IReadOnlyList<Account>> AccountsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking()
            .OrderBy(u => u.CreatedAt)
            .Select(u => new Account(u.Id, u.Email ?? u.UserName ?? u.Id, u.CreatedAt, u.IsDisabled, db.Images.Count(i => i.OwnerId == u.Id)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Every owner's waiting and running jobs, oldest first, with the owner's email when it is an account.</summary>
    public async Task<IReadOnlyList<ActiveJob>> ActiveJobsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
            .OrderBy(j => j.CreatedAt)
            .Select(j => new ActiveJob(j.Id, j.OwnerId, db.Users.Where(u => u.Id == j.OwnerId).Select(u => u.Email).FirstOrDefault(),
                j.Prompt, j.Status, j.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Cancels anyone's job, as its owner could. False when it is already over.</summary>
    public async Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ownerId = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.OwnerId).FirstOrDefaultAsync(cancellationToken);
        return ownerId is not null && await claims.CancelAsync(ownerId, jobId, cancellationToken);
    }

    /// <summary>
    /// Disables or enables an account. Disabling changes its security stamp, so its cookies fail their next check and
    /// its open circuits their next revalidation (both within <see cref="AccountRevalidation.Interval"/>).
    /// </summary>
    public async Task<bool> SetDisabledAsync(string userId, bool disabled)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return false;
        }

        user.IsDisabled = disabled;
        var updated = await users.UpdateAsync(user);
        if (updated.Succeeded)
        {
            await users.UpdateSecurityStampAsync(user);
            LogDisabled(userId, disabled);
        }

        return updated.Succeeded;
    }

    [LoggerMessage(EventId = 312, Level = LogLevel.Information, Message = "Account {AccountId} disabled: {Disabled}")]
    private partial void LogDisabled(string accountId, bool disabled);
}
