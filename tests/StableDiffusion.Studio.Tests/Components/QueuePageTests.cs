using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Tests.Infrastructure;
using QueuePage = StableDiffusion.Studio.Components.Pages.Queue;

namespace StableDiffusion.Studio.Tests.Components;

/// <summary>The Queue page in bUnit on the real studio's queue, with the fake pipeline held so jobs stay put.</summary>
public sealed class QueuePageTests
{
    [Fact]
    public async Task TheQueueSaysItsLengthAndACancelledJobStaysOnThePageMarkedCancelledWithAConfirmation()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var running = (await studio.Submission.SubmitAsync("alice", Settings.Valid("running"))).Queued();
        await studio.WaitForStatusAsync("alice", running.Id, JobStatus.Running);
        var waiting = (await studio.Submission.SubmitAsync("alice", Settings.Valid("waiting"))).Queued();
        await using var scope = studio.Services.CreateAsyncScope();
        await using var bunit = PageContext(scope, "alice");
        var page = bunit.Render<QueuePage>();

        Assert.Equal("2 jobs in the queue (1 running, 1 waiting).", page.Find("[data-testid=queue-length]").TextContent.Trim());
        Assert.Contains("Waiting: 1 job ahead of yours", page.Markup);
        Assert.DoesNotContain("position ", page.Markup);

        var waitingRow = page.FindAll("[data-testid=job-progress]").Single(e => e.GetAttribute("data-job-id") == waiting.Id.ToString());
        await page.InvokeAsync(() => waitingRow.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click());

        page.WaitForAssertion(() => Assert.Equal("Cancelled", page.FindAll("[data-testid=job-progress]")
            .Single(e => e.GetAttribute("data-job-id") == waiting.Id.ToString()).QuerySelector("[data-testid=job-status]")?.TextContent));
        Assert.Contains(bunit.Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message == "Job cancelled.");
        Assert.Equal("1 job in the queue (1 running, 0 waiting).", page.Find("[data-testid=queue-length]").TextContent.Trim());
    }

    [Fact]
    public async Task CancelAllEndsEveryJobOfTheUserAndSaysHowMany()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var running = (await studio.Submission.SubmitAsync("alice", Settings.Valid("running"))).Queued();
        await studio.WaitForStatusAsync("alice", running.Id, JobStatus.Running);
        while (studio.Fake.Started.IsEmpty)
        {
            await Task.Delay(10);
        }

        await studio.Submission.SubmitAsync("alice", Settings.Valid("waiting 1"));
        await studio.Submission.SubmitAsync("alice", Settings.Valid("waiting 2"));
        await using var scope = studio.Services.CreateAsyncScope();
        await using var bunit = PageContext(scope, "alice");
        var page = bunit.Render<QueuePage>();

        await page.InvokeAsync(() => page.Find("[data-testid=cancel-all]").Click());

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=job-status]").Count(s => s.TextContent == "Cancelled")), TimeSpan.FromSeconds(10));
        Assert.Contains(bunit.Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message == "3 jobs cancelled.");
        Assert.Contains("None of your jobs is waiting or running", page.Markup);
    }

    private static BunitContext PageContext(AsyncServiceScope scope, string userId)
    {
        var authentication = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(StudioIdentity.CreatePrincipal(userId))));
        var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<GenerationService>());
        bunit.Services.AddSingleton(new ReconnectNotifier());
        bunit.SetRendererInfo(new RendererInfo("Server", true));
        return bunit;
    }
}
