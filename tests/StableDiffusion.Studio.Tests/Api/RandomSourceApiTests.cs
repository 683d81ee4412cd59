using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Api;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>A1111's <c>randn_source</c> (modules/rng.py) and the native <c>noiseSource</c>, on the real pipeline.</summary>
[Collection(ApiCollection.Name)]
public sealed class RandomSourceApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task NvOverrideGivesAPngMarkedRngNvThatDiffersFromTheCpuImageOfTheSameSeed()
    {
        var client = studio.Bearer(studio.AliceKey);

        var nv = await A1111Answer.PostAsync(client, "/sdapi/v1/txt2img", Body(new Dictionary<string, object> { ["randn_source"] = "NV" }));
        var cpu = await A1111Answer.PostAsync(client, "/sdapi/v1/txt2img", Body(new Dictionary<string, object> { ["randn_source"] = "CPU" }));

        var nvText = PngInfo.ReadParameters(Assert.Single(nv.Images))!;
        Assert.Contains("RNG: NV", nvText);
        Assert.Contains("RNG: CPU", PngInfo.ReadParameters(Assert.Single(cpu.Images))!);
        Assert.Equal(nv.Seeds, cpu.Seeds);
        Assert.NotEqual(Pixels(nv.Images[0]), Pixels(cpu.Images[0]));
        Assert.DoesNotContain("override_settings.randn_source", nv.IgnoredFields);
    }

    [Fact]
    public async Task OptionsReportCpuUntilTheCallerSetsTheirOwnRandnSource()
    {
        var erin = studio.Bearer((await studio.Service<ApiKeyService>().CreateAsync("erin", "rng")).Key);
        var gina = studio.Bearer((await studio.Service<ApiKeyService>().CreateAsync("gina", "rng")).Key);
        var before = await erin.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");

        var post = await erin.PostAsJsonAsync("/sdapi/v1/options", new { randn_source = "NV" });
        var erinAfter = await erin.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        var ginaAfter = await gina.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        var answer = await A1111Answer.PostAsync(erin, "/sdapi/v1/txt2img", Body([]));

        Assert.Equal("CPU", before.GetProperty("randn_source").GetString());
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("NV", erinAfter.GetProperty("randn_source").GetString());
        Assert.Equal("CPU", ginaAfter.GetProperty("randn_source").GetString());
        Assert.Equal("NV", A1111Answer.ParametersOf(Assert.Single(answer.Images)).Rng);
    }

    [Fact]
    public async Task UnknownRandnSourceIsA400NamingTheField()
    {
        var client = studio.Bearer(studio.AliceKey);

        var generate = await client.PostAsJsonAsync("/sdapi/v1/txt2img", Body(new Dictionary<string, object> { ["randn_source"] = "TPU" }));
        var options = await client.PostAsJsonAsync("/sdapi/v1/options", new { randn_source = "TPU" });

        Assert.Equal(HttpStatusCode.BadRequest, generate.StatusCode);
        Assert.Contains("override_settings.randn_source", await generate.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, options.StatusCode);
        Assert.Contains("randn_source", await options.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NativeGenerationTakesTheNoiseSource()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var response = await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "a red circle", seed = 5, steps = 2, width = 64, height = 64, noiseSource = "nv" });
        var job = await ApiStudio.WaitForFinishAsync(alice, response.Headers.Location!.ToString());
        var bad = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "a red circle", noiseSource = "tpu" });

        Assert.Equal("succeeded", job.Status);
        Assert.Equal("nv", job.Settings.NoiseSource);
        Assert.Equal("NV", Infotext.Parse(Assert.Single(job.Images).Parameters).Rng);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("noiseSource", await bad.Content.ReadAsStringAsync());
    }

    private static Dictionary<string, object> Body(Dictionary<string, object> overrides) => new()
    {
        ["prompt"] = "a yellow square",
        ["seed"] = 1234,
        ["steps"] = 3,
        ["width"] = 64,
        ["height"] = 64,
        ["override_settings"] = overrides,
    };

    private static Rgb24[] Pixels(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }
}
