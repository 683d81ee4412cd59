using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.ScaleOut;
using StableDiffusion.Studio.Tests.Infrastructure;
using QueuePage = StableDiffusion.Studio.Components.Pages.Queue;

namespace StableDiffusion.Studio.Tests.ScaleOut;

/// <summary>The Queue page's administrator part: which worker runs which job, on the real studio's services.</summary>
public sealed class QueueOverviewRenderTests
{
    [Fact]
    public async Task AnAdministratorsQueuePageShowsWhichWorkerRunsAnotherUsersJobAndOthersDoNot()
    {
        using var studio = new StudioFactory
        {
            Configuration = new Dictionary<string, string> { ["Studio:Administrators:0"] = "alice", ["Studio:WorkerName"] = "gpu-box-7" },
        };
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(200);
        var job = (await studio.Submission.SubmitAsync("bob", Settings.Valid("bob's slow lighthouse") with { Steps = 100 })).Queued();
        await studio.WaitForStatusAsync("bob", job.Id, JobStatus.Running);

        var alice = await RenderQueueAsAsync(studio, "alice");
        alice.WaitForAssertion(() => Assert.Equal("gpu-box-7", alice.Find("[data-testid=running-job-worker]").TextContent));
        Assert.Contains("bob's slow lighthouse", alice.Find("[data-testid=running-job]").TextContent);

        var carol = await RenderQueueAsAsync(studio, "carol");
        Assert.Empty(carol.FindAll("[data-testid=running-everywhere]"));
        Assert.DoesNotContain("lighthouse", carol.Markup);
        await studio.Claims.CancelAsync("bob", job.Id);
    }

    private static async Task<IRenderedComponent<QueuePage>> RenderQueueAsAsync(StudioFactory studio, string userId)
    {
        var scope = studio.Services.CreateAsyncScope();
        var authentication = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(StudioIdentity.CreatePrincipal(userId))));
        var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<GenerationService>());
        bunit.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<ClusterOverview>());
        bunit.Services.AddSingleton(new ReconnectNotifier());
        bunit.SetRendererInfo(new RendererInfo("Server", true));
        return await Task.FromResult(bunit.Render<QueuePage>());
    }
}
