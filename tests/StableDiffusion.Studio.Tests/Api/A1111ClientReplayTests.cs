using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Library;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// The exact bodies real A1111 clients send (reference: open-webui backend/open_webui/routers/images.py,
/// SillyTavern src/endpoints/stable-diffusion.js, aiyabot core/stablecog.py), run through the real pipeline on a
/// fixture model, checked on what each client reads back.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class A1111ClientReplayTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    [Fact]
    public async Task OpenWebUiGetsAPngWithItsParametersAndAnInfoWithTheSeed()
    {
        // data = {prompt, batch_size: n, width, height} (+ steps, negative_prompt when set), Basic "user:KEY".
        var client = studio.Basic(studio.AliceKey, user: "openwebui");
        var models = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models");
        var options = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");

        var answer = await A1111Answer.PostAsync(client, "/sdapi/v1/txt2img", new Dictionary<string, object>
        {
            ["prompt"] = "a red circle on a blue background",
            ["batch_size"] = 1,
            ["width"] = 64,
            ["height"] = 64,
            ["steps"] = 6,
            ["negative_prompt"] = "blurry",
        });

        Assert.Equal(options.GetProperty("sd_model_checkpoint").GetString(), models[0].GetProperty("title").GetString());
        var image = Assert.Single(answer.Images);
        var parameters = A1111Answer.ParametersOf(image);
        Assert.Equal("a red circle on a blue background", parameters.Prompt);
        Assert.Equal("blurry", parameters.NegativePrompt);
        Assert.Equal(6, parameters.Steps);
        Assert.Equal((64, 64), (parameters.Width, parameters.Height));
        Assert.Equal(parameters.Seed, answer.Info.GetProperty("seed").GetInt64());
        Assert.Equal(PngInfo.ReadParameters(image), answer.Info.GetProperty("infotexts")[0].GetString());
        Assert.Empty(answer.IgnoredFields);

        // The image is alice's: it is in her gallery and nobody else's.
        var library = studio.Service<ImageLibrary>();
        var imageId = Assert.Single(answer.ImageIds);
        Assert.Contains((await library.ListAsync("alice", null, 1, 100)).Items, i => i.Id == imageId);
        Assert.DoesNotContain((await library.ListAsync("bob", null, 1, 100)).Items, i => i.Id == imageId);
    }

    [Fact]
    public async Task SillyTavernGetsItsImageAndTheFieldsThatChangeNothingAreNotListedAsIgnored()
    {
        var client = studio.Basic(studio.AliceKey, user: "sillytavern");
        var body = JsonDocument.Parse("""
            {
              "prompt": "a green square, simple background",
              "negative_prompt": "lowres",
              "sampler_name": "Euler a",
              "scheduler": "Automatic",
              "steps": 5,
              "cfg_scale": 6.5,
              "width": 64,
              "height": 72,
              "restore_faces": false,
              "enable_hr": false,
              "hr_upscaler": "Latent",
              "hr_scale": 2,
              "hr_additional_modules": [],
              "denoising_strength": 0.7,
              "hr_second_pass_steps": 0,
              "override_settings": { "CLIP_stop_at_last_layers": 1, "sd_vae": "Automatic", "forge_additional_modules": [] },
              "override_settings_restore_afterwards": true,
              "clip_skip": 1,
              "save_images": true,
              "send_images": true,
              "do_not_save_grid": false,
              "do_not_save_samples": false,
              "alwayson_scripts": { "ADetailer": { "args": [true, { "ad_model": "face_yolov8n.pt" }] } }
            }
            """).RootElement;

        var answer = await A1111Answer.PostAsync(client, "/sdapi/v1/txt2img", body);

        var parameters = A1111Answer.ParametersOf(answer.Images[0]);
        Assert.Equal("Euler a", parameters.Sampler);
        Assert.Equal(6.5, parameters.CfgScale);
        Assert.Equal((64, 72), (parameters.Width, parameters.Height));
        Assert.Equal(["alwayson_scripts"], answer.IgnoredFields);
        Assert.Equal("Euler a", answer.Parameters.GetProperty("sampler_name").GetString());
        Assert.Equal(5, answer.Parameters.GetProperty("steps").GetInt32());
    }

    [Fact]
    public async Task AiyabotSetsItsModelThenGetsABatchItReadsBackThroughPngInfo()
    {
        var client = studio.Basic(studio.BobKey, user: "aiyabot");
        var models = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models");
        var chosen = models[1].GetProperty("title").GetString()!;

        var set = await client.PostAsJsonAsync("/sdapi/v1/options", new { sd_model_checkpoint = chosen });
        var answer = await A1111Answer.PostAsync(client, "/sdapi/v1/txt2img", new Dictionary<string, object>
        {
            ["prompt"] = "a yellow triangle",
            ["negative_prompt"] = "",
            ["steps"] = 4,
            ["width"] = 64,
            ["height"] = 64,
            ["cfg_scale"] = 7.0,
            ["sampler_index"] = "Euler a",
            ["seed"] = 1234,
            ["seed_resize_from_h"] = 0,
            ["seed_resize_from_w"] = 0,
            ["denoising_strength"] = 0.75,
            ["n_iter"] = 2,
            ["styles"] = Array.Empty<string>(),
        });
        var pngInfo = await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = "data:image/png;base64," + Convert.ToBase64String(answer.Images[1]) });
        var read = await pngInfo.Content.ReadFromJsonAsync<JsonElement>();

        set.EnsureSuccessStatusCode();
        Assert.Equal(2, answer.Images.Count);
        Assert.Equal([1234L, 1235L], answer.Seeds);
        Assert.Equal(chosen, $"{answer.Info.GetProperty("sd_model_name").GetString()} [{answer.Info.GetProperty("sd_model_hash").GetString()}]");
        Assert.Equal(1235, A1111Answer.ParametersOf(answer.Images[1]).Seed);
        Assert.Equal(PngInfo.ReadParameters(answer.Images[1]), read.GetProperty("info").GetString());
        Assert.Equal("1235", read.GetProperty("parameters").GetProperty("Seed").GetString());
        Assert.Equal("64", read.GetProperty("parameters").GetProperty("Size-1").GetString());
    }

    [Fact]
    public async Task AiyabotImageToImageWithADataUriStartsFromTheImage()
    {
        var client = studio.Basic(studio.BobKey, user: "aiyabot");
        var start = await A1111Answer.PostAsync(client, "/sdapi/v1/txt2img", new { prompt = "a blue circle", steps = 3, width = 64, height = 64, seed = 7 });

        var answer = await A1111Answer.PostAsync(client, "/sdapi/v1/img2img", new Dictionary<string, object>
        {
            ["prompt"] = "a blue circle, sharper",
            ["negative_prompt"] = "",
            ["steps"] = 4,
            ["width"] = 64,
            ["height"] = 64,
            ["cfg_scale"] = 7,
            ["sampler_index"] = "Euler",
            ["seed"] = 99,
            ["denoising_strength"] = 0.5,
            ["n_iter"] = 1,
            ["init_images"] = new[] { "data:image/png;base64," + Convert.ToBase64String(start.Images[0]) },
        });

        var parameters = A1111Answer.ParametersOf(Assert.Single(answer.Images));
        Assert.Equal(0.5, parameters.DenoisingStrength);
        Assert.Equal(0.5, answer.Info.GetProperty("denoising_strength").GetDouble());
        Assert.Equal(JsonValueKind.Null, answer.Parameters.GetProperty("init_images").ValueKind);
        var job = await studio.FindJobAsync(Guid.Parse(answer.Info.GetProperty("job_id").GetString()!));
        Assert.NotNull(job!.InitImagePath);
        Assert.Equal("bob", job.OwnerId);
    }

    [Fact]
    public async Task MissingFieldsTakeA1111sApiDefaults()
    {
        var answer = await A1111Answer.PostAsync(studio.Bearer(studio.AliceKey), "/sdapi/v1/txt2img",
            new { prompt = "defaults", width = 64, height = 64 });

        Assert.Equal(A1111RequestReader.DefaultSteps, answer.Info.GetProperty("steps").GetInt32());
        Assert.Equal("Euler", answer.Info.GetProperty("sampler_name").GetString());
        Assert.Equal(7.0, answer.Info.GetProperty("cfg_scale").GetDouble());
        Assert.Single(answer.Images);
        Assert.InRange(answer.Info.GetProperty("seed").GetInt64(), 0, uint.MaxValue);
    }
}
