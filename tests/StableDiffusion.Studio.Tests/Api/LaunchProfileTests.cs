using System.Text.Json;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// <c>dotnet run --project src/StableDiffusion.Studio</c>, the README's command, runs the first "Project" launch
/// profile: it must not turn on Development (the developer exception page, exception details in problem+json).
/// </summary>
public sealed class LaunchProfileTests
{
    [Fact]
    public void ProfileThatDotnetRunPicksIsProductionOnPort5000()
    {
        var file = Path.Combine(StudioFactory.RepositoryRoot, "src", "StableDiffusion.Studio", "Properties", "launchSettings.json");
        using var settings = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });

        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject()
            .First(p => p.Value.GetProperty("commandName").GetString() == "Project").Value;
        var environment = profile.TryGetProperty("environmentVariables", out var variables)
            ? variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString())
            : [];

        // Said outright, so a Development left in the shell does not reach the studio either.
        Assert.Equal("Production", environment.GetValueOrDefault("ASPNETCORE_ENVIRONMENT"));
        Assert.True(environment.GetValueOrDefault("DOTNET_ENVIRONMENT") is null or "Production");

        // No applicationUrl: Kestrel's default is http://localhost:5000, and ASPNETCORE_URLS can still move it.
        Assert.True(!profile.TryGetProperty("applicationUrl", out var url) || url.GetString() == "http://localhost:5000");
    }
}
