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
        var studioPage = await client.GetAsync("/gallery");

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 5), statuses.Take(5));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[5]);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, studioPage.StatusCode);
    }
}
