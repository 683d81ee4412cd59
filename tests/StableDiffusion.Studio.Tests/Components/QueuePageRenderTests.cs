using System.Collections.Concurrent;
using System.Diagnostics;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Tests.Infrastructure;
using Xunit.Abstractions;
using QueuePage = StableDiffusion.Studio.Components.Pages.Queue;

namespace StableDiffusion.Studio.Tests.Components;

/// <summary>The Queue page in bUnit on the real studio's services: its own context, as those must be added before it starts.</summary>
public sealed class QueuePageRenderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheQueuePageRendersAtMostFourTimesASecondWhileAJobReportsEveryMillisecond()
    {
        using var studio = new StudioFactory();
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(1);
        await using var scope = studio.Services.CreateAsyncScope();
        var authentication = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(StudioIdentity.CreatePrincipal("alice"))));
        var generation = scope.ServiceProvider.GetRequiredService<GenerationService>();
        await using var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(generation);
        bunit.Services.AddSingleton(new ReconnectNotifier());
        bunit.SetRendererInfo(new RendererInfo("Server", true));
        var updates = 0;
        using var counting = await generation.SubscribeAsync(_ => Interlocked.Increment(ref updates), () => { });
        var page = bunit.Render<QueuePage>();
        // bUnit raises this for every component under the page that rendered, the page's children in the same pass too.
        var afterRenders = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        page.OnAfterRender += (_, _) => afterRenders.Enqueue(clock.Elapsed);

        // 16 images of 150 steps, a step a millisecond: a few seconds of progress as fast as the fake can report it.
        var submitted = clock.Elapsed;
        var job = (await studio.Submission.SubmitAsync("alice", Settings.Valid("a storm of progress") with { Steps = 150, BatchCount = 16 })).Queued();
        await studio.WaitForFinishAsync("alice", job.Id, TimeSpan.FromSeconds(60));
        var seconds = (clock.Elapsed - submitted).TotalSeconds;
        page.WaitForAssertion(() => Assert.Contains("None of your jobs is waiting or running", page.Markup), TimeSpan.FromSeconds(5));

        var renders = PageRenders(afterRenders.ToList());
        var busiest = renders.Max(r => renders.Count(other => other >= r && other - r <= TimeSpan.FromSeconds(1)));
        output.WriteLine($"{updates} progress updates in {seconds:0.0} s; the Queue page rendered {renders.Count} times " +
                         $"({renders.Count / seconds:0.0} a second, {busiest} in its busiest second).");
        Assert.True(updates > 1000, $"only {updates} updates: the job was too short to show throttling");
        // Four a second, plus the first render and the trailing one after the job finished.
        Assert.InRange(renders.Count, 2, (int)Math.Ceiling(seconds * 4) + 2);
        Assert.InRange(busiest, 1, 5);
    }

    /// <summary>One page render per burst of after-render calls: its children render in the same pass, within a few ms.</summary>
    private static List<TimeSpan> PageRenders(List<TimeSpan> afterRenders) =>
        afterRenders.Where((at, i) => i == 0 || at - afterRenders[i - 1] > TimeSpan.FromMilliseconds(50)).ToList();
}
