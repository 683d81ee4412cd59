using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Components.Pages;
using StableDiffusion.Studio.Identity;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>The settings page against the real key service and database of a running studio.</summary>
[Collection(ApiCollection.Name)]
public sealed class SettingsPageTests : BunitContext, IClassFixture<ApiStudio>, IAsyncLifetime
{
    private readonly ApiKeyService keys;
    private readonly IUserDefaults defaults;

    public SettingsPageTests(ApiStudio studio)
    {
        keys = studio.Service<ApiKeyService>();
        defaults = studio.Service<IUserDefaults>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(keys);
        Services.AddSingleton(defaults);
        Services.AddSingleton(studio.Service<StableDiffusion.Studio.Search.ImageSearch>());
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

        page.Find("input[data-testid=key-name]").Input("Open WebUI");
        await page.FindAll("button").Single(b => b.TextContent.Contains("Create key")).ClickAsync(new MouseEventArgs());
        var key = page.WaitForElement("[data-testid=new-key]").TextContent.Trim();

        Assert.Equal("helen", await keys.FindOwnerAsync(key));
        var row = () => page.FindAll("[data-testid=api-key]").Single(r => r.TextContent.Contains("Open WebUI"));
        Assert.Contains("active", row().TextContent);
        Assert.Contains("helen", page.Find("[data-testid=user-id]").TextContent);

        await row().QuerySelectorAll("button").Single(b => b.TextContent.Contains("Revoke")).ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Contains("revoked", row().TextContent));
        Assert.Empty(page.FindAll("[data-testid=new-key]"));
        Assert.Null(await keys.FindOwnerAsync(key));
    }

    [Fact]
    public async Task TheCreateKeyButtonWorksWhileTheNameFieldStillHasFocusAndEnterCreatesTheKey()
    {
        var page = Render<Settings>();
        var create = () => page.FindAll("button").Single(b => b.TextContent.Contains("Create key"));
        Assert.True(create().HasAttribute("disabled"));

        // Typing, with no change event (the field keeps focus): the button is enabled at once.
        page.Find("input[data-testid=key-name]").Input("Typed bot");
        Assert.False(create().HasAttribute("disabled"));
        // Enter in the field submits its form.
        await page.Find("[data-testid=create-key-form]").SubmitAsync();

        var key = page.WaitForElement("[data-testid=new-key]").TextContent.Trim();
        Assert.Equal("helen", await keys.FindOwnerAsync(key));
    }

    [Fact]
    public async Task SavedDefaultsBecomeTheUsersNewPromptSettingsAndBadOnesAreRefusedUnderTheirField()
    {
        var page = Render<Settings>();
        page.Find("input[data-testid=default-steps]").Input("33");
        page.Find("input[data-testid=default-width]").Input("96");
        await page.Find("[data-testid=user-defaults]").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(33, defaults.GetAsync("helen").Result.Steps));
        var applied = await defaults.ApplyAsync("helen", new StableDiffusion.Inference.Pipeline.GenerationSettings { Steps = 5, Width = 512 });
        Assert.Equal((33, 96), (applied.Steps, applied.Width));
        // Another user's new prompts are untouched.
        Assert.Equal(5, (await defaults.ApplyAsync("ivan", new StableDiffusion.Inference.Pipeline.GenerationSettings { Steps = 5 })).Steps);

        page.Find("input[data-testid=default-steps]").Input("0");
        await page.Find("[data-testid=user-defaults]").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Steps must be between", page.Markup));
        Assert.Equal(33, (await defaults.GetAsync("helen")).Steps);
    }

    [Fact]
    public async Task AnotherUsersKeysAreNotListed()
    {
        await keys.CreateAsync("ivan", "ivan's secret bot");

        var page = Render<Settings>();

        Assert.DoesNotContain("ivan's secret bot", page.Markup);
    }
}
