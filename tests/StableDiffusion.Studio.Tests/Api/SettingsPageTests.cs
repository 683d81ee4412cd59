using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Components.Pages;
using StableDiffusion.Studio.Identity;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>The settings page against the real key service and database of a running studio.</summary>
[Collection(ApiCollection.Name)]
public sealed class SettingsPageTests : BunitContext, IClassFixture<ApiStudio>, IAsyncLifetime
{
    private readonly ApiKeyService keys;

    public SettingsPageTests(ApiStudio studio)
    {
        keys = studio.Service<ApiKeyService>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(keys);
        Services.AddScoped<CurrentUser>();
        var authorization = AddAuthorization();
        authorization.SetAuthorized("helen");
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, "helen"));
        SetRendererInfo(new RendererInfo("Server", true));
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services only dispose asynchronously.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public async Task AUserCreatesAKeySeesItOnceAndRevokesIt()
    {
        var page = Render<Settings>();

        page.Find("input").Change("Open WebUI");
        await page.FindAll("button").Single(b => b.TextContent.Contains("Create key")).ClickAsync(new MouseEventArgs());
        var key = page.WaitForElement("[data-testid=new-key]").TextContent.Trim();

        Assert.Equal("helen", await keys.FindOwnerAsync(key));
        Assert.Contains("Open WebUI", page.Find("[data-testid=api-key]").TextContent);
        Assert.Contains("helen", page.Find("[data-testid=user-id]").TextContent);

        await page.FindAll("button").Single(b => b.TextContent.Contains("Revoke")).ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Contains("revoked", page.Find("[data-testid=api-key]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=new-key]"));
        Assert.Null(await keys.FindOwnerAsync(key));
    }

    [Fact]
    public async Task AnotherUsersKeysAreNotListed()
    {
        await keys.CreateAsync("ivan", "ivan's secret bot");

        var page = Render<Settings>();

        Assert.DoesNotContain("ivan's secret bot", page.Markup);
    }
}
