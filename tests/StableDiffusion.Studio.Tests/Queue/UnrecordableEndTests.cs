using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class UnrecordableEndTests
{
    [Fact]
    public async Task WhenTheDatabaseRefusesAJobsEndTheWaitingCallerStillGetsAnAnswerAndTheNextStartSettlesTheRow()
    {
        using var data = new TemporaryDataDirectory("studio-unrecordable-");
        var dataDirectory = data.Path;
        var database = Path.Combine(dataDirectory, "studio.db");
        using (var studio = new StudioFactory
               {
                   DataDirectory = dataDirectory, Configuration = new Dictionary<string, string> { ["Studio:DatabaseBusyTimeoutSeconds"] = "1" },
               })
        {
            studio.Fake.Hold();
            var answer = studio.CreateApiClient().PostAsJsonAsync("/sdapi/v1/txt2img", new { prompt = "an end nobody can write", steps = 2, width = 64, height = 64 });
            await WaitForRunningAsync(studio);

            // Another process holds the write lock through the job's end and every retry of recording it.
            await using var other = new SqliteConnection($"Data Source={database};Pooling=False");
            await other.OpenAsync();
            await using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                await begin.ExecuteNonQueryAsync();
            }

            studio.Fake.Release();
            var response = await answer.WaitAsync(TimeSpan.FromSeconds(60));
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
            await using (var rollback = other.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                await rollback.ExecuteNonQueryAsync();
            }

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains("could not be saved", problem!.Detail);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDirectory, "images"), "*", SearchOption.AllDirectories));
        }

        using (var after = new StudioFactory { DataDirectory = dataDirectory })
        {
            _ = after.Server;
            await using var db = await after.OpenDatabaseAsync();
            var job = await db.Jobs.AsNoTracking().SingleAsync();

            Assert.Equal(JobStatus.Failed, job.Status);
            Assert.Equal(StudioStartup.InterruptedError, job.Error);
        }
    }

    private static async Task WaitForRunningAsync(StudioFactory studio)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (studio.Fake.Started.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job never started");
            await Task.Delay(20);
        }
    }
}
