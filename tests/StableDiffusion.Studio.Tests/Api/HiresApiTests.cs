using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SixLabors.ImageSharp;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>Hires fix and seed resize through both APIs, on the real pipeline with the fixture models.</summary>
[Collection(ApiCollection.Name)]
public sealed class HiresApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task SillyTavernsHiresBodyGetsTheUpscaledImageAndA1111sInfotext()
    {
        // SillyTavern's body shape (src/endpoints/stable-diffusion.js) with hires on, plus aiyabot's seed resize fields.
        var client = studio.Basic(studio.AliceKey, user: "sillytavern");
        var body = JsonDocument.Parse("""
            {
              "prompt": "a green square", "negative_prompt": "lowres", "sampler_name": "Euler a", "scheduler": "Automatic",
              "steps": 3, "cfg_scale": 6, "width": 64, "height": 72, "seed": 11, "restore_faces": false,
              "enable_hr": true, "hr_upscaler": "Latent", "hr_scale": 2, "hr_additional_modules": [], "denoising_strength": 0.7,
              "hr_second_pass_steps": 2, "seed_resize_from_w": 48, "seed_resize_from_h": 40,
              "override_settings": { "CLIP_stop_at_last_layers": 1, "sd_vae": "Automatic" }, "override_settings_restore_afterwards": true,
              "save_images": true, "send_images": true, "do_not_save_grid": false, "do_not_save_samples": false
            }
            """).RootElement;

        var answer = await A1111Answer.ReadAsync(await client.PostAsJsonAsync("/sdapi/v1/txt2img", body));

        var png = Assert.Single(answer.Images);
        Assert.Equal((128, 144), (Image.Identify(png).Width, Image.Identify(png).Height));
        var text = answer.Info.GetProperty("infotexts")[0].GetString()!;
        Assert.Contains("Size: 64x72", text);
        Assert.Contains("Seed resize from: 48x40, Denoising strength: 0.7", text);
        Assert.Contains("Hires upscale: 2, Hires steps: 2, Hires upscaler: Latent", text);
        Assert.Equal(0.7, answer.Info.GetProperty("denoising_strength").GetDouble());
        Assert.Equal(48, answer.Info.GetProperty("seed_resize_from_w").GetInt32());
        var extra = answer.Info.GetProperty("extra_generation_params");
        Assert.Equal((2.0, 2, "Latent"), (extra.GetProperty("Hires upscale").GetDouble(), extra.GetProperty("Hires steps").GetInt32(), extra.GetProperty("Hires upscaler").GetString()));
        Assert.Empty(answer.IgnoredFields);
        Assert.True(answer.Parameters.GetProperty("enable_hr").GetBoolean());
    }

    [Fact]
    public async Task TheUpscalerListsNameWhatHiresFixTakes()
    {
        var client = studio.Bearer(studio.AliceKey);

        var upscalers = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/upscalers");
        var latent = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/latent-upscale-modes");

        Assert.Equal(["None", "Lanczos", "Nearest"], upscalers.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        Assert.Equal(
            ["Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)", "Latent (nearest)", "Latent (nearest-exact)"],
            latent.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task AnUpscalePastTheSizeLimitIsA400NamingHrScale()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img", new
        {
            prompt = "too big", width = 1536, height = 64, enable_hr = true, hr_scale = 2,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("3072", problem.GetProperty("errors").GetProperty("hr_scale")[0].GetString());
    }

    [Fact]
    public async Task TheNativeApiTakesAndShowsHiresAndSeedResize()
    {
        var client = studio.Bearer(studio.BobKey);
        var created = await client.PostAsJsonAsync("/api/v1/generations", new
        {
            prompt = "a blue square", steps = 2, width = 64, height = 64, seed = 3, enableHires = true, hiresUpscaler = "lanczos",
            hiresSteps = 2, hiresDenoisingStrength = 0.5, hiresResizeWidth = 96, seedResizeFromWidth = 24, seedResizeFromHeight = 40,
        });
        var refused = await client.PostAsJsonAsync("/api/v1/generations", new { prompt = "unknown", enableHires = true, hiresUpscaler = "ESRGAN_4x" });

        Assert.True(created.StatusCode == HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
        var job = await ApiStudio.WaitForFinishAsync(client, created.Headers.Location!.ToString());
        Assert.Equal("succeeded", job.Status);
        Assert.Equal((true, "Lanczos", 2, 0.5, 96, 0), (job.Settings.EnableHires, job.Settings.HiresUpscaler, job.Settings.HiresSteps,
            job.Settings.HiresDenoisingStrength, job.Settings.HiresResizeWidth, job.Settings.HiresResizeHeight));
        Assert.Equal((24, 40), (job.Settings.SeedResizeFromWidth, job.Settings.SeedResizeFromHeight));
        Assert.Equal((96, 96), (job.Images[0].Width, job.Images[0].Height));
        Assert.Contains("Hires resize: 96x0, Hires steps: 2, Hires upscaler: Lanczos", job.Images[0].Parameters);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("hiresUpscaler", out _), problem.ToString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheNewFieldsOfRequestAndSettings()
    {
        var document = JsonDocument.Parse(await studio.Anonymous().GetStringAsync("/openapi/v1.json")).RootElement;
        var schemas = document.GetProperty("components").GetProperty("schemas");

        string[] fields =
        [
            "enableHires", "hiresScale", "hiresUpscaler", "hiresSteps", "hiresDenoisingStrength", "hiresResizeWidth", "hiresResizeHeight",
            "seedResizeFromWidth", "seedResizeFromHeight",
        ];
        foreach (var schema in new[] { "CreateGenerationRequest", "SettingsResponse" })
        {
            var properties = schemas.GetProperty(schema).GetProperty("properties");
            Assert.All(fields, field => Assert.True(properties.TryGetProperty(field, out _), $"{schema}.{field}"));
        }
    }
}
