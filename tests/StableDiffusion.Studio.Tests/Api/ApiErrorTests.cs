using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// Both APIs as the README's command runs them (Production): every error is problem+json that names no server path
/// and shows no stack trace, bad text is a 400, a wrong content type a 415 and a body past the limit a 413.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiErrorTests(ProductionApiStudio studio) : IClassFixture<ProductionApiStudio>
{
    // The request limit is 4/3 of the upload (base64) plus room for the other fields: past it by a margin.
    private const int OversizedBody = ProductionApiStudio.MaxUploadBytes * 4 / 3 + 100 * 1024;

    public static TheoryData<string> FailingRoutes => ["/api/v1/generations", "/sdapi/v1/progress"];

    public static TheoryData<string> JsonRoutes =>
        ["/api/v1/generations", "/sdapi/v1/txt2img", "/sdapi/v1/img2img", "/sdapi/v1/options", "/sdapi/v1/png-info"];

    /// <summary>Each JSON route with a body whose only fault is a lone UTF-16 surrogate in a string or a name.</summary>
    public static TheoryData<string, string> LoneSurrogates => new()
    {
        { "/api/v1/generations", """{"prompt":"a\ud800c"}""" },
        { "/api/v1/generations", """{"prompt":"x","negativePrompt":"\udc00"}""" },
        { "/sdapi/v1/txt2img", """{"prompt":"a\ud800c","steps":2}""" },
        { "/sdapi/v1/txt2img", """{"prompt":"x","override_settings":{"sd_vae":"\ud800"}}""" },
        { "/sdapi/v1/txt2img", """{"prompt":"x","styles":["\udfff"]}""" },
        { "/sdapi/v1/txt2img", """{"pro\ud800mpt":"x"}""" },
        { "/sdapi/v1/img2img", """{"prompt":"a\ud800c","init_images":["x"]}""" },
        { "/sdapi/v1/options", """{"sd_model_checkpoint":"a\ud800c"}""" },
        { "/sdapi/v1/png-info", """{"image":"a\ud800c"}""" },
    };

    [Theory]
    [MemberData(nameof(FailingRoutes))]
    public async Task ServerFailureIsProblemJsonWithoutDetailsStackOrPaths(string path)
    {
        var response = await studio.Bearer(studio.AliceKey).GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(ProductionApiStudio.SecretPath, body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain(" at ", body);
        Assert.DoesNotContain(StudioFactory.RepositoryRoot, body);
    }

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task LoneSurrogateIsA400ProblemOnBothApis(string path, string json)
    {
        var response = await studio.Bearer(studio.AliceKey).PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(HttpStatusCode.BadRequest, response);
    }

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task InvalidUtf8IsA400ProblemOnBothApis(string path)
    {
        byte[] json = [.. "{\"prompt\":\"a"u8, 0xFF, 0xFE, .. "c\"}"u8];
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await studio.Bearer(studio.AliceKey).PostAsync(path, content);

        await AssertProblemAsync(HttpStatusCode.BadRequest, response);
    }

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task WrongContentTypeIs415Problem(string path)
    {
        var alice = studio.Bearer(studio.AliceKey);

        var form = await alice.PostAsync(path, new StringContent("prompt=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var text = await alice.PostAsync(path, new StringContent("""{"prompt":"x"}""", Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, form);
        await AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, text);
    }

    [Fact]
    public async Task BodyPastTheLimitIs413ProblemOnEveryApiRoute()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var json = $$"""{"prompt":"{{new string('x', OversizedBody)}}"}""";

        foreach (var (method, url, _) in ApiRoutes.All(studio.App.Services))
        {
            var response = await alice.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

            await AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, response, $"{method} {url}");
        }
    }

    [Fact]
    public async Task InitImageAsLargeAsTheUploadLimitFitsInTheBody()
    {
        var image = Convert.ToBase64String(new byte[ProductionApiStudio.MaxUploadBytes]);
        var prompt = string.Concat(Enumerable.Repeat("\\u00e9", 2000));
        var json = $$"""{"prompt":"{{prompt}}","negative_prompt":"{{prompt}}","init_images":["data:image/png;base64,{{image}}"],"steps":2}""";

        var response = await studio.Bearer(studio.AliceKey).PostAsync("/sdapi/v1/img2img", new StringContent(json, Encoding.UTF8, "application/json"));

        // Zeros are no image: the body was read, and refused for what it holds.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("init_images", out _));
    }

    private static async Task AssertProblemAsync(HttpStatusCode expected, HttpResponseMessage response, string? what = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        // A sentence for a person, not an exception's message.
        Assert.True(problem.TryGetProperty("detail", out _) || problem.TryGetProperty("errors", out _), body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("LineNumber", body);
    }
}
