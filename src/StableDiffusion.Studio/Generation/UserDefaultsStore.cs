using Microsoft.EntityFrameworkCore;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;

namespace StableDiffusion.Studio.Generation;

/// <summary>Per-user defaults in the UserDefaults table, checked by the same validator as a submitted job.</summary>
public sealed class UserDefaultsStore(IDbContextFactory<StudioDbContext> contexts, DatabaseWriter writer, IImageGenerator generator) : IUserDefaults
{
    private static readonly Setting[] Checked = [Setting.Steps, Setting.GuidanceScale, Setting.Scheduler, Setting.Width, Setting.Height];

    public async Task<UserDefaults> GetAsync(string ownerId, CancellationToken cancellationToken = default) =>
        await FindAsync(ownerId, cancellationToken) ?? UserDefaults.Of(ModelSettings());

    public async Task<IReadOnlyDictionary<Setting, string>> SaveAsync(string ownerId, UserDefaults defaults, CancellationToken cancellationToken = default)
    {
        // Validated as a job on the default model would be, so saved defaults never make a form that cannot generate.
        var errors = SettingsValidator.Validate(defaults.ApplyTo(ModelSettings() with { Prompt = "defaults" }), generator.Models)
            .Where(e => Checked.Contains(e.Key))
            .ToDictionary();
        if (errors.Count > 0)
        {
            return errors;
        }

        await writer.WriteAsync(async db =>
        {
            var record = await db.Set<UserDefaultsRecord>().FirstOrDefaultAsync(d => d.OwnerId == ownerId, cancellationToken);
            if (record is null)
            {
                record = new UserDefaultsRecord { OwnerId = ownerId, Scheduler = defaults.Scheduler };
                db.Set<UserDefaultsRecord>().Add(record);
            }

            (record.Steps, record.GuidanceScale, record.Scheduler, record.Width, record.Height, record.UpdatedAt) =
                (defaults.Steps, defaults.GuidanceScale, defaults.Scheduler, defaults.Width, defaults.Height, DateTime.UtcNow);
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        return errors;
    }

    public Task ResetAsync(string ownerId, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(db => db.Set<UserDefaultsRecord>().Where(d => d.OwnerId == ownerId).ExecuteDeleteAsync(cancellationToken), cancellationToken);

    public async Task<GenerationSettings> ApplyAsync(string ownerId, GenerationSettings settings, CancellationToken cancellationToken = default) =>
        await FindAsync(ownerId, cancellationToken) is { } defaults ? defaults.ApplyTo(settings) : settings;

    private async Task<UserDefaults?> FindAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<UserDefaultsRecord>().AsNoTracking()
            .Where(d => d.OwnerId == ownerId)
            .Select(d => new UserDefaults(d.Steps, d.GuidanceScale, d.Scheduler, d.Width, d.Height))
            .FirstOrDefaultAsync(cancellationToken);
    }

    private GenerationSettings ModelSettings() =>
        generator.Models.FirstOrDefault(m => m.IsAvailable) is { } model ? GenerationSettings.ForModel(model.Name, model.Defaults) : new GenerationSettings();
}
