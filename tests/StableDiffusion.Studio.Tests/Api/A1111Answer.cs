using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>What an A1111 client reads back from txt2img/img2img: the images and the info string parsed as JSON.</summary>
internal sealed record A1111Answer(IReadOnlyList<byte[]> Images, JsonElement Parameters, JsonElement Info)
{
    public static async Task<A1111Answer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        var images = body.GetProperty("images").EnumerateArray().Select(i => Convert.FromBase64String(i.GetString()!)).ToList();
        // "info" is a JSON string, not an object: clients parse it a second time.
        var info = JsonDocument.Parse(body.GetProperty("info").GetString()!).RootElement;
        return new A1111Answer(images, body.GetProperty("parameters"), info);
    }

    public static Task<A1111Answer> PostAsync(HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body).ContinueWith(t => ReadAsync(t.Result)).Unwrap();

    public IReadOnlyList<long> Seeds => Info.GetProperty("all_seeds").EnumerateArray().Select(s => s.GetInt64()).ToList();

    public IReadOnlyList<string> IgnoredFields => Info.GetProperty("ignored_fields").EnumerateArray().Select(f => f.GetString()!).ToList();

    public IReadOnlyList<Guid> ImageIds => Info.GetProperty("image_ids").EnumerateArray().Select(f => Guid.Parse(f.GetString()!)).ToList();

    /// <summary>The PNG's own <c>parameters</c> chunk, parsed as A1111 parses it; fails unless the bytes are a PNG.</summary>
    public static InfotextSettings ParametersOf(byte[] png)
    {
        var (_, _, format) = SafeImageDecoder.Identify(png);
        Assert.Equal("PNG", format, ignoreCase: true);
        var text = PngInfo.ReadParameters(png);
        Assert.NotNull(text);
        return Infotext.Parse(text);
    }
}
