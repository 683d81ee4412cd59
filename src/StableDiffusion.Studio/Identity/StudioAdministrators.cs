using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Who administers the studio: the account with <c>Studio:AdministratorEmail</c>, or the first account made when
/// none is configured, plus any user id listed in <c>Studio:Administrators</c>. A disabled account administers nothing.
/// </summary>
public sealed class StudioAdministrators(IDbContextFactory<StudioDbContext> contexts, IOptions<StudioOptions> options)
{
    public async Task<bool> IsAdministratorAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (options.Value.Administrators.Contains(userId, StringComparer.Ordinal))
        {
            return true;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var accounts = db.Users.AsNoTracking();
        if (options.Value.AdministratorEmail is { Length: > 0 } email)
        {
            // Identity's default normaliser upper-cases with the invariant culture.
            var normalized = email.Trim().ToUpperInvariant();
            return await accounts.AnyAsync(u => u.Id == userId && u.NormalizedEmail == normalized && !u.IsDisabled, cancellationToken);
        }

        var first = await accounts.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.IsDisabled }).FirstOrDefaultAsync(cancellationToken);
        return first is { IsDisabled: false } && first.Id == userId;
    }
}
