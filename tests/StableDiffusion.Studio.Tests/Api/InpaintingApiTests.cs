using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// Inpainting through both APIs on a fixture model: A1111's img2img fields in the shapes clients send them (the python
/// <c>webuiapi</c> client's full body; 0/1 and true/false read alike, as pydantic reads them) and the native fields.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class InpaintingApiTests(ApiStudio studio) : IClassFixture<ApiStudio>
{
    private static readonly byte[] Init = Png(64, 64, (x, y) => new Rgb24((byte)(x * 4), (byte)(y * 4), 160));

    /// <summary>White disc of radius 8 in the middle: the mask blur (4) reaches 10 pixels further, so past radius 19 nothing changes.</summary>
    private static readonly byte[] Disc = Png(64, 64, (x, y) => Inside(x, y, 8) ? new Rgb24(255, 255, 255) : new Rgb24(0, 0, 0));

    [Fact]
    public async Task AWebuiapiInpaintingBodyKeepsEveryUnmaskedPixelAndRecordsA1111sKeys()
    {
        var answer = await A1111Answer.PostAsync(studio.Basic(studio.AliceKey, user: "webuiapi"), "/sdapi/v1/img2img", new Dictionary<string, object?>
        {
            ["init_images"] = new[] { Convert.ToBase64String(Init) }, ["resize_mode"] = 0, ["denoising_strength"] = 0.9,
            ["mask"] = Convert.ToBase64String(Disc), ["mask_blur"] = 4, ["inpainting_fill"] = 0, ["inpaint_full_res"] = false,
            ["inpaint_full_res_padding"] = 32, ["inpainting_mask_invert"] = 0, ["initial_noise_multiplier"] = 1,
            ["prompt"] = "a red circle", ["styles"] = Array.Empty<string>(), ["seed"] = 11, ["subseed"] = -1, ["subseed_strength"] = 0,
            ["seed_resize_from_h"] = 0, ["seed_resize_from_w"] = 0, ["batch_size"] = 1, ["n_iter"] = 1, ["steps"] = 4, ["cfg_scale"] = 7.0,
            ["width"] = 64, ["height"] = 64, ["restore_faces"] = false, ["tiling"] = false, ["negative_prompt"] = "",
            ["override_settings"] = new Dictionary<string, object>(), ["override_settings_restore_afterwards"] = true,
            ["sampler_name"] = "Euler a", ["sampler_index"] = "Euler a", ["include_init_images"] = false, ["send_images"] = true, ["save_images"] = false,
            ["alwayson_scripts"] = new Dictionary<string, object>(),
        });

        var image = Assert.Single(answer.Images);
        using var result = Image.Load<Rgb24>(image);
        using var init = Image.Load<Rgb24>(Init);
        var unchanged = 0;
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                if (!Inside(x, y, 19))
                {
                    Assert.Equal(init[x, y], result[x, y]);
                    unchanged++;
                }
            }
        }

        Assert.True(unchanged > 2800);
        Assert.Contains("Mask blur: 4, Masked content: fill", PngInfo.ReadParameters(image));
        Assert.Equal(4, answer.Info.GetProperty("extra_generation_params").GetProperty("Mask blur").GetInt32());
        Assert.Equal("fill", answer.Info.GetProperty("extra_generation_params").GetProperty("Masked content").GetString());
        Assert.DoesNotContain(answer.IgnoredFields, f => f.StartsWith("mask", StringComparison.Ordinal) || f.StartsWith("inpaint", StringComparison.Ordinal));
        var job = await studio.FindJobAsync(Guid.Parse(answer.Info.GetProperty("job_id").GetString()!));
        Assert.NotNull(job!.MaskPath);
    }

    [Fact]
    public async Task FlagsAreReadAsBooleansOrNumbersAndMissingFieldsTakeA1111sApiDefaults()
    {
        var client = studio.Bearer(studio.AliceKey);
        var flags = await A1111Answer.PostAsync(client, "/sdapi/v1/img2img", new Dictionary<string, object>
        {
            ["prompt"] = "flags", ["steps"] = 2, ["width"] = 64, ["height"] = 64, ["init_images"] = new[] { "data:image/png;base64," + Convert.ToBase64String(Init) },
            ["mask"] = "data:image/png;base64," + Convert.ToBase64String(Disc), ["inpainting_mask_invert"] = true, ["inpaint_full_res"] = 0,
            ["mask_blur_x"] = 2, ["inpainting_fill"] = 3,
        });
        var defaults = await A1111Answer.PostAsync(client, "/sdapi/v1/img2img", new Dictionary<string, object>
        {
            ["prompt"] = "defaults", ["steps"] = 2, ["width"] = 64, ["height"] = 64, ["init_images"] = new[] { Convert.ToBase64String(Init) },
            ["mask"] = Convert.ToBase64String(Disc),
        });

        var flagged = await studio.FindJobAsync(Guid.Parse(flags.Info.GetProperty("job_id").GetString()!));
        Assert.Equal((true, false, 2, 3), (flagged!.InvertMask, flagged.InpaintFullRes, flagged.MaskBlur, flagged.InpaintingFill));
        Assert.Contains("Mask mode: Inpaint not masked, Mask blur: 2, Masked content: latent nothing", PngInfo.ReadParameters(flags.Images[0]));
        // modules/api/models.py takes StableDiffusionProcessingImg2Img's defaults: fill, only masked, padding 0, blur 4.
        var plain = await studio.FindJobAsync(Guid.Parse(defaults.Info.GetProperty("job_id").GetString()!));
        Assert.Equal((false, true, 0, 4, 0), (plain!.InvertMask, plain.InpaintFullRes, plain.InpaintFullResPadding, plain.MaskBlur, plain.InpaintingFill));
        Assert.Contains("Inpaint area: Only masked, Masked area padding: 0", PngInfo.ReadParameters(defaults.Images[0]));
    }

    [Fact]
    public async Task AMaskOfAnotherSizeIsStretchedAsA1111DoesAndOneThatIsNoImageIs400()
    {
        var client = studio.Bearer(studio.AliceKey);
        var small = Png(16, 16, (x, y) => x is >= 6 and < 10 && y is >= 6 and < 10 ? new Rgb24(255, 255, 255) : default);

        var stretched = await A1111Answer.PostAsync(client, "/sdapi/v1/img2img", new Dictionary<string, object>
        {
            ["prompt"] = "small mask", ["steps"] = 2, ["width"] = 64, ["height"] = 64, ["init_images"] = new[] { Convert.ToBase64String(Init) },
            ["mask"] = Convert.ToBase64String(small), ["inpaint_full_res"] = false,
        });
        var broken = await client.PostAsJsonAsync("/sdapi/v1/img2img", new Dictionary<string, object>
        {
            ["prompt"] = "broken mask", ["steps"] = 2, ["width"] = 64, ["height"] = 64, ["init_images"] = new[] { Convert.ToBase64String(Init) },
            ["mask"] = Convert.ToBase64String("GIF89a not a mask"u8.ToArray()),
        });

        Assert.Single(stretched.Images);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
        var problem = await broken.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("mask", out _), problem.ToString());
    }

    [Fact]
    public async Task TheNativeApiTakesTheMaskAndShowsItsSettings()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var response = await alice.PostAsJsonAsync("/api/v1/generations", new
        {
            prompt = "native inpainting", steps = 2, width = 64, height = 64, initImage = Convert.ToBase64String(Init), mask = Convert.ToBase64String(Disc),
            maskBlur = 2, maskedContent = "latent-noise", invertMask = false, onlyMasked = true, onlyMaskedPadding = 8,
        });
        var job = await ApiStudio.WaitForFinishAsync(alice, response.Headers.Location!.ToString());
        var withoutInit = await alice.PostAsJsonAsync("/api/v1/generations", new { prompt = "no init", mask = Convert.ToBase64String(Disc) });
        var unknownContent = await alice.PostAsJsonAsync("/api/v1/generations",
            new { prompt = "bad", initImage = Convert.ToBase64String(Init), mask = Convert.ToBase64String(Disc), maskedContent = "sand" });

        Assert.Equal("succeeded", job.Status);
        Assert.Equal(new StableDiffusion.Studio.Api.InpaintingResponse(2, "latent-noise", false, true, 8), job.Settings.Inpainting);
        Assert.Contains("Mask blur: 2, Inpaint area: Only masked, Masked area padding: 8, Masked content: latent noise",
            PngInfo.ReadParameters(await alice.GetByteArrayAsync(job.Images[0].Url)));
        Assert.Equal(HttpStatusCode.BadRequest, withoutInit.StatusCode);
        Assert.True((await withoutInit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("mask", out _));
        Assert.Equal(HttpStatusCode.BadRequest, unknownContent.StatusCode);
        Assert.Contains("latent-nothing", (await unknownContent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("maskedContent")[0].GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheMaskFields()
    {
        var text = await studio.Anonymous().GetStringAsync("/openapi/v1.json");
        var schema = JsonDocument.Parse(text).RootElement.GetProperty("components").GetProperty("schemas").GetProperty("CreateGenerationRequest").GetProperty("properties");

        Assert.All(["mask", "maskBlur", "maskedContent", "invertMask", "onlyMasked", "onlyMaskedPadding"], field => Assert.True(schema.TryGetProperty(field, out _), field));
        Assert.Equal(JsonValueKind.Object, schema.GetProperty("maskedContent").ValueKind);
    }

    private static bool Inside(int x, int y, double radius) => Math.Pow(x + 0.5 - 32, 2) + Math.Pow(y + 0.5 - 32, 2) <= radius * radius;

    private static byte[] Png(int width, int height, Func<int, int, Rgb24> pixel)
    {
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = pixel(x, y);
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
