using System.Net;
using StableDiffusion.Studio.Sharing;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Sharing;

public sealed class ShareRateLimitTests
{
    [Fact]
    public async Task GuessingShareLinksIsCutOffWith429WhileTheStudioStaysOpen()
    {
        using var studio = new StudioFactory { ShareRequestsPerMinute = 5 };
        var client = studio.CreateClientFor("guesser");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await client.GetAsync($"/s/{ShareToken.Create()}")).StatusCode);
        }

        var limited = await client.GetAsync($"/s/{ShareToken.Create()}/image");
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, $"/s/{ShareToken.Create()}");
        pageRequest.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        var limitedPage = await client.SendAsync(pageRequest);
        var studioPage = await client.GetAsync("/gallery");

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 5), statuses.Take(5));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[5]);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":429", await limited.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedPage.StatusCode);
        Assert.NotNull(limitedPage.Headers.RetryAfter);
        Assert.Equal("text/html", limitedPage.Content.Headers.ContentType?.MediaType);
        var html = await limitedPage.Content.ReadAsStringAsync();
        Assert.Contains("Too many requests", html);
        Assert.DoesNotContain("Not found", html);
        Assert.Equal(HttpStatusCode.OK, studioPage.StatusCode);
    }
}
