using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// The studio as the README's command runs it: in Production, with a small upload limit (so a body past the request
/// limit stays small) and job queries that always fail, so that listing jobs is a server error.
/// </summary>
public sealed class ProductionApiStudio() : ApiStudio(realModels: false, maxQueuedJobsPerUser: 10, configure: builder =>
{
    builder.UseEnvironment("Production");
    builder.UseSetting("Studio:MaxUploadBytes", MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<IJobQueries, FailingJobQueries>()));
})
{
    public const int MaxUploadBytes = 3000;

    /// <summary>A server-side path the failure names, which no answer may repeat.</summary>
    public const string SecretPath = "/srv/secret-data/studio.db";

    private sealed class FailingJobQueries : IJobQueries
    {
        public Task<JobRecord?> GetAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default) => throw Failure();

        public Task<IReadOnlyList<JobRecord>> ListActiveAsync(string ownerId, CancellationToken cancellationToken = default) => throw Failure();

        public Task<IReadOnlyList<JobRecord>> ListRecentAsync(string ownerId, int count, DateTime? clearedAt = null, CancellationToken cancellationToken = default) => throw Failure();

        public Task<(IReadOnlyList<JobRecord> Jobs, int Total)> ListPageAsync(string ownerId, int page, int pageSize, CancellationToken cancellationToken = default) =>
            throw Failure();

        public Task<IReadOnlyDictionary<Guid, int>> PositionsAsync(string ownerId, CancellationToken cancellationToken = default) => throw Failure();

        private static IOException Failure() => new($"disk I/O error reading {SecretPath}");
    }
}
