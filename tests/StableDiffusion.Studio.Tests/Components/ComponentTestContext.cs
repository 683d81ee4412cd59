using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Components;

/// <summary>bUnit with MudBlazor's services, loose JS interop and the fake pipeline's model list.</summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    protected ComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IImageGenerator>(Fake);
        Services.AddSingleton(Options.Create(new StudioOptions()));
        Services.AddScoped<StableDiffusion.Studio.Components.Generation.FormStorage>();
        SetRendererInfo(new RendererInfo("Server", true));
    }

    protected FakeImageGenerator Fake { get; } = new();

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously; xunit 2 would otherwise dispose synchronously.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>MudBlazor's popovers need their provider in the tree.</summary>
    protected void AddPopoverProvider() => Render<MudBlazor.MudPopoverProvider>();
}
