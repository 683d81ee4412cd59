using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// A swapped VAE and text encoder through both APIs on the embedded model: the image changes, the infotext records the
/// part and gives it back, and a part that does not fit is refused before it is queued, with the mismatch named.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ComponentSwapApiTests(ComponentApiStudio studio) : IClassFixture<ComponentApiStudio>
{
    private const string Misfit = "VAE vae-8-latent-channels decodes 8 latent channels but the UNet of tiny-shapes makes 4.";

    private static object Request(string? vae = null, string? textEncoder = null) => new
    {
        prompt = "three red triangles on a white background", seed = 3, steps = 6, cfgScale = 2, sampler = "dpmpp-2m", width = 64, height = 64,
        model = ComponentApiStudio.Model, vae, textEncoder,
    };

    [Fact]
    public async Task NativeApiSwapsTheVaeWhichChangesThePixelsAndIsRecordedInTheInfotextAndReadBack()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var own = await GenerateAsync(alice, Request());
        var sharp = await GenerateAsync(alice, Request(vae: ComponentApiStudio.SharpVae));
        var ownAgain = await GenerateAsync(alice, Request());

        Assert.Null(own.Job.Settings.Vae);
        Assert.Equal(ComponentApiStudio.SharpVae, sharp.Job.Settings.Vae);
        Assert.NotEqual(own.Pixels, sharp.Pixels);
        Assert.Equal(own.Pixels, ownAgain.Pixels);
        Assert.Contains($", Model: tiny-shapes, VAE: {ComponentApiStudio.SharpVae}, ", sharp.Job.Images[0].Parameters);
        Assert.DoesNotContain("VAE", own.Job.Images[0].Parameters);
        var reimported = PngSettings.Read(sharp.Png)!;
        Assert.Equal((ComponentApiStudio.SharpVae, (string?)null), (reimported.Vae, reimported.TextEncoder));
    }

    [Fact]
    public async Task NativeApiSwapsTheTextEncoderWhichChangesThePixels()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var own = await GenerateAsync(alice, Request());
        var other = await GenerateAsync(alice, Request(textEncoder: ComponentApiStudio.SeedOneTextEncoder));

        Assert.Equal(ComponentApiStudio.SeedOneTextEncoder, other.Job.Settings.TextEncoder);
        Assert.NotEqual(own.Pixels, other.Pixels);
        Assert.Contains($", Text encoder: {ComponentApiStudio.SeedOneTextEncoder}", other.Job.Images[0].Parameters);
        Assert.Equal(ComponentApiStudio.SeedOneTextEncoder, PngSettings.Read(other.Png)!.TextEncoder);
    }

    [Theory]
    [InlineData("vae", ComponentApiStudio.EightChannelVae, Misfit)]
    [InlineData("vae", "no-such-vae", "No VAE named no-such-vae.")]
    [InlineData("vae", ComponentApiStudio.SeedOneTextEncoder, "No VAE named tiny-shapes-text-encoder-seed1.")]
    [InlineData("textEncoder", "no-such-encoder", "No text encoder named no-such-encoder.")]
    public async Task NativeApiRefusesAMisfitOrUnknownPartWith400OnItsFieldAndQueuesNothing(string field, string name, string message)
    {
        var jobs = await studio.CountJobsAsync();

        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/api/v1/generations",
            field == "vae" ? Request(vae: name) : Request(textEncoder: name));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(message, (await ErrorsAsync(response)).GetProperty(field)[0].GetString());
        Assert.Equal(jobs, await studio.CountJobsAsync());
    }

    [Fact]
    public async Task ComponentsAreListedWithTheModelsTheyFitAndNeverAsModels()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var components = (await alice.GetFromJsonAsync<List<ComponentResponse>>("/api/v1/components", ApiStudio.Json))!;
        var models = await alice.GetFromJsonAsync<JsonElement>("/api/v1/models");

        Assert.Equal(
            [(ComponentApiStudio.SeedOneTextEncoder, "text-encoder"), (ComponentApiStudio.SharpVae, "vae"), (ComponentApiStudio.EightChannelVae, "vae")],
            components.Select(c => (c.Name, c.Kind)));
        Assert.Equal([ComponentApiStudio.Model], components[1].Fits);
        Assert.Empty(components[2].Fits);
        Assert.Equal(Misfit, components[2].Misfits[ComponentApiStudio.Model]);
        Assert.Equal([ComponentApiStudio.Model], models.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A1111SdVaeInOverrideSettingsChangesThePixelsAndIsReported()
    {
        var alice = studio.Bearer(studio.AliceKey);

        var own = await Txt2ImgAsync(alice, new { sd_vae = "Automatic" });
        var sharp = await Txt2ImgAsync(alice, new { sd_vae = ComponentApiStudio.SharpVae });

        Assert.NotEqual(Pixels(own.Png), Pixels(sharp.Png));
        Assert.Equal(ComponentApiStudio.SharpVae, sharp.Info.GetProperty("sd_vae_name").GetString());
        Assert.Equal(JsonValueKind.Null, own.Info.GetProperty("sd_vae_name").ValueKind);
        Assert.Contains($"VAE: {ComponentApiStudio.SharpVae}", sharp.Info.GetProperty("infotexts")[0].GetString());
        Assert.Empty(sharp.Info.GetProperty("ignored_fields").EnumerateArray());
    }

    [Fact]
    public async Task A1111ListsTheVaesAndKeepsSdVaeAsTheCallersOwnOption()
    {
        var bob = studio.Bearer(studio.BobKey);

        var vaes = await bob.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-vae");
        var before = await bob.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        var set = await bob.PostAsJsonAsync("/sdapi/v1/options", new { sd_vae = ComponentApiStudio.SharpVae });
        var after = await bob.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        var unknown = await bob.PostAsJsonAsync("/sdapi/v1/options", new { sd_vae = "no-such-vae" });
        var generated = await Txt2ImgAsync(bob, null);
        var reset = await bob.PostAsJsonAsync("/sdapi/v1/options", new { sd_vae = "None" });
        var afterReset = await bob.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");

        Assert.Equal([(ComponentApiStudio.SharpVae, $"{ComponentApiStudio.SharpVae}/vae_decoder/model.onnx"), (ComponentApiStudio.EightChannelVae, $"{ComponentApiStudio.EightChannelVae}/vae_decoder/model.onnx")],
            vaes.EnumerateArray().Select(v => (v.GetProperty("model_name").GetString(), v.GetProperty("filename").GetString())));
        Assert.Equal("Automatic", before.GetProperty("sd_vae").GetString());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(ComponentApiStudio.SharpVae, after.GetProperty("sd_vae").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.StartsWith("No VAE named no-such-vae.", (await ErrorsAsync(unknown)).GetProperty("sd_vae")[0].GetString());
        Assert.Equal(ComponentApiStudio.SharpVae, generated.Info.GetProperty("sd_vae_name").GetString());
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal("Automatic", afterReset.GetProperty("sd_vae").GetString());
    }

    [Fact]
    public async Task A1111RefusesAMisfittingSdVaeWith400NamingTheMismatch()
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsJsonAsync("/sdapi/v1/txt2img",
            new { prompt = "a red circle", steps = 2, width = 64, height = 64, override_settings = new { sd_vae = ComponentApiStudio.EightChannelVae } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Misfit, (await ErrorsAsync(response)).GetProperty("override_settings.sd_vae")[0].GetString());
    }

    private static async Task<(GenerationResponse Job, byte[] Png, Rgb24[] Pixels)> GenerateAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/generations", request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await ApiStudio.WaitForFinishAsync(client, response.Headers.Location!.ToString());
        Assert.True(job.Status == "succeeded", job.Error);
        var png = await client.GetByteArrayAsync(job.Images[0].Url);
        return (job, png, Pixels(png));
    }

    private static async Task<(JsonElement Info, byte[] Png)> Txt2ImgAsync(HttpClient client, object? overrides)
    {
        var response = await client.PostAsJsonAsync("/sdapi/v1/txt2img", new
        {
            prompt = "three red triangles on a white background", seed = 3, steps = 6, cfg_scale = 2, sampler_name = "DPM++ 2M", scheduler = "Automatic",
            width = 64, height = 64, override_settings = overrides,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var info = JsonDocument.Parse(answer.GetProperty("info").GetString()!).RootElement;
        return (info, Convert.FromBase64String(answer.GetProperty("images")[0].GetString()!));
    }

    private static Rgb24[] Pixels(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
}
