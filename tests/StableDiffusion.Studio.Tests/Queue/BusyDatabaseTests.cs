using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class BusyDatabaseTests
{
    [Fact]
    public async Task AWriteLockHeldByAnotherProcessGetsBothApis503WithRetryAfterWhileReadsGoOn()
    {
        using var studio = new StudioFactory { Configuration = new Dictionary<string, string> { ["Studio:DatabaseBusyTimeoutSeconds"] = "1" } };
        var alice = studio.CreateApiClient();
        var earlier = await studio.GenerateAsync("alice", "before the lock");

        // Another process (a backup, a sqlite3 shell) takes the write lock and keeps it.
        await using var other = new SqliteConnection($"Data Source={Path.Combine(studio.DataDirectory, "studio.db")};Pooling=False");
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        var outcome = await studio.Submission.SubmitAsync("alice", Settings.Valid("while locked"));
        var native = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "while locked" });
        var a1111 = await alice.PostAsJsonAsync("/sdapi/v1/txt2img", new { prompt = "while locked", steps = 2, width = 64, height = 64 });
        var elapsed = clock.Elapsed;
        var read = await alice.GetAsync($"/api/v1/generations/{earlier.Id}");

        Assert.IsType<SubmitOutcome.Busy>(outcome);
        foreach (var response in new[] { native, a1111 })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"three refusals took {elapsed}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
