using StableDiffusion.Studio.BrowserTests.Infrastructure;

namespace StableDiffusion.Studio.BrowserTests.Console;

/// <summary>What a newcomer reads in the terminal after starting the studio (the shared server started on an empty data directory).</summary>
[Collection(StudioCollection.Name)]
public sealed class StartupConsoleTests(StudioFixture studio)
{
    [Fact]
    public async Task TheConsoleEndsStartUpWithTheReadyLineAtTheBoundAddressAndNoWarningsANewcomerCannotActOn()
    {
        // The fixture waits for /healthz; the ready line is logged right after the server starts listening.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var ready = $"Stable Diffusion Studio is ready at {studio.Server.BaseAddress.ToString().TrimEnd('/')}";
        while (!studio.Server.Log.Contains(ready, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var lines = studio.Server.Log.Split(Environment.NewLine);
        var readyAt = Array.FindIndex(lines, l => l.Contains(ready, StringComparison.Ordinal));
        Assert.True(readyAt >= 0, $"no ready line in:{Environment.NewLine}{studio.Server.Log}");
        Assert.True(readyAt > Array.FindLastIndex(lines, l => l.Contains("Microsoft.Hosting.Lifetime", StringComparison.Ordinal)),
            "the ready line is not the last thing start-up printed");
        Assert.Contains(lines, l => l.Contains("the keys that sign identity cookies in", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("warn: Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("warn: Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal));
    }
}
