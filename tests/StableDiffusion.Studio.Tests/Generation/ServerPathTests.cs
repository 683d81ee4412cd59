using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class ServerPathTests : IDisposable
{
    private readonly DirectoryInfo models = Directory.CreateTempSubdirectory("studio-models-");

    [Fact]
    public async Task AModelThatFailsToLoadIsDescribedWithoutTheServersPaths()
    {
        var fixture = Path.Combine(StudioFactory.FixtureModels, "fp32-ids-int64-timestep-float32-one");
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "good"));
        // Passes the cheap check (its external weights are there) and fails in ONNX Runtime, whose message names the file by its full path.
        ModelFolders.Copy(fixture, Path.Combine(models.FullName, "late"));
        File.WriteAllBytes(Path.Combine(models.FullName, "late", "unet", "model.onnx"), ModelFolders.WithExternalWeights("weights.pb"));
        File.WriteAllBytes(Path.Combine(models.FullName, "late", "unet", "weights.pb"), new byte[16]);
        using var studio = new StudioFactory
        {
            RealModels = true,
            // A trailing separator is how many people write a folder; it must not defeat the redaction.
            Configuration = new Dictionary<string, string>
            {
                ["Inference:ModelsDirectory"] = models.FullName + Path.DirectorySeparatorChar,
                ["Inference:DefaultModel"] = "good",
            },
        };

        var job = (await studio.Submission.SubmitAsync("alice", Settings.Valid(model: "late"))).Queued();
        var failed = await studio.WaitForFinishAsync("alice", job.Id, TimeSpan.FromMinutes(2));
        var health = await studio.CreateClient().GetStringAsync("/healthz");
        var list = await studio.CreateApiClient().GetStringAsync("/api/v1/models");

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.StartsWith("Model late could not be loaded: ", failed.Error);
        Assert.Contains(Path.Combine("late", "unet", "model.onnx"), failed.Error);
        Assert.Contains("\"late\"", health);
        foreach (var text in new[] { failed.Error!, health, list })
        {
            Assert.DoesNotContain(models.FullName, text);
            Assert.DoesNotContain(studio.DataDirectory, text);
            // Nor anyone else's: ONNX Runtime also names its own C++ source files.
            Assert.DoesNotMatch(@"(^|[\s'"":])/\w", text);
        }
    }

    public void Dispose() => models.Delete(recursive: true);
}
