using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StableDiffusion.Studio.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SubmitRateLimitApiTests(RateLimitedApiStudio studio) : IClassFixture<RateLimitedApiStudio>
{
    private static readonly object Small = new { prompt = "quick", steps = 2, width = 64, height = 64 };

    [Fact]
    public async Task PastTheSubmitRateBothApisAnswer429AboutTheRateWithTheLimitersRetryAfter()
    {
        var alice = studio.Bearer(studio.AliceKey);
        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < RateLimitedApiStudio.PerMinute; i++)
        {
            allowed.Add(await alice.PostAsJsonAsync("/api/v1/generations", Small));
        }

        var native = await alice.PostAsJsonAsync("/api/v1/generations", Small);
        var a1111 = await alice.PostAsJsonAsync("/sdapi/v1/txt2img", Small);
        var bob = await studio.Bearer(studio.BobKey).PostAsJsonAsync("/api/v1/generations", Small);

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        foreach (var limited in new[] { native, a1111 })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Too many submissions", problem.GetProperty("title").GetString());
            Assert.Contains($"{RateLimitedApiStudio.PerMinute} jobs in the last minute", problem.GetProperty("detail").GetString());
            // The fixed one-minute window decides when the next submission is allowed, not a queue estimate.
            Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        }

        Assert.Equal(HttpStatusCode.Accepted, bob.StatusCode);
    }
}
