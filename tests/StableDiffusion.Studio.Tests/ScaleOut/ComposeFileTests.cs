using StableDiffusion.Studio.Tests.Infrastructure;
using StableDiffusion.Studio.ScaleOut;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace StableDiffusion.Studio.Tests.ScaleOut;

/// <summary>
/// deploy/compose.yaml is documentation no Docker engine here runs: these tests read it (YAML merge keys resolved,
/// as Compose does) and check that it describes the topology docs/scale-out.md promises, with settings the studio has.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly Dictionary<object, object> Services = (Dictionary<object, object>)Load()["services"];

    private static IEnumerable<string> StudioNodes => Services.Keys.Cast<string>().Where(name => name is not ("postgres" or "redis"));

    [Fact]
    public void ComposeRunsPostgresRedisOneWebNodeAndTwoGpuWorkers()
    {
        Assert.Contains("postgres", Services.Keys);
        Assert.Contains("redis", Services.Keys);
        Assert.Equal(["web"], StudioNodes.Where(n => Environment(n)["Studio__Roles"] == "web"));
        var workers = StudioNodes.Where(n => Environment(n)["Studio__Roles"] == "worker").ToList();
        Assert.Equal(2, workers.Count);
        foreach (var worker in workers)
        {
            var device = Assert.Single(List(Map(Map(Map(Map(Services[worker])["deploy"])["resources"])["reservations"])["devices"]));
            Assert.Equal("nvidia", Map(device)["driver"]);
            Assert.Contains("gpu", List(Map(device)["capabilities"]));
            Assert.False(Map(Services[worker]).ContainsKey("ports"), $"{worker} serves nothing public, yet publishes a port.");
        }

        // Each worker its own GPU.
        Assert.Equal(workers.Count, workers.Select(w => string.Join(',', List(Map(Assert.Single(
            List(Map(Map(Map(Map(Services[w])["deploy"])["resources"])["reservations"])["devices"])))["device_ids"]))).Distinct().Count());
        Assert.Contains("5000:5000", List(Map(Services["web"])["ports"]));
    }

    [Fact]
    public void EveryStudioNodeSharesTheDatabaseRedisAndOneDataVolume()
    {
        foreach (var node in StudioNodes)
        {
            var environment = Environment(node);
            Assert.Equal(DatabaseOptions.Postgres, environment["Studio__Database__Provider"]);
            Assert.Contains("Host=postgres", environment["Studio__Database__ConnectionString"]);
            Assert.Equal("redis:6379", environment["Studio__Redis"]);
            var dataVolume = List(Map(Services[node])["volumes"]).Cast<string>().Single(v => v.EndsWith(":" + environment["Studio__DataDirectory"], StringComparison.Ordinal));
            Assert.Equal("studio-data:/data", dataVolume);
            Assert.Contains("postgres", Map(Map(Services[node])["depends_on"]).Keys);
            Assert.Contains("redis", Map(Map(Services[node])["depends_on"]).Keys);
            Assert.Equal(StudioRoles.Parse(environment["Studio__Roles"]).ToString(), environment["Studio__Roles"]);
        }
    }

    [Fact]
    public void EveryStudioSettingInComposeIsOneTheStudioReads()
    {
        var known = typeof(StudioOptions).GetProperties().Select(p => "Studio__" + p.Name)
            .Concat(typeof(DatabaseOptions).GetProperties().Select(p => "Studio__Database__" + p.Name))
            .Concat(typeof(StableDiffusion.Inference.Onnx.InferenceOptions).GetProperties().Select(p => "Inference__" + p.Name))
            .ToHashSet(StringComparer.Ordinal);
        var used = StudioNodes.SelectMany(n => Environment(n).Keys).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, key => Assert.Contains(key, known));
    }

    private static Dictionary<string, string> Environment(string node) =>
        Map(Map(Services[node])["environment"]).ToDictionary(e => (string)e.Key, e => (string)e.Value);

    private static Dictionary<object, object> Map(object node) => (Dictionary<object, object>)node;

    private static List<object> List(object node) => (List<object>)node;

    private static Dictionary<object, object> Load()
    {
        using var reader = new StreamReader(Path.Combine(StudioFactory.RepositoryRoot, "deploy", "compose.yaml"));
        // Compose resolves "<<: *anchor" merge keys; the plain parser would keep them as a key named "<<".
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }
}
