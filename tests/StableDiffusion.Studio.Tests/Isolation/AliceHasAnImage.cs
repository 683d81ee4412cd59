using StableDiffusion.Studio.Queue;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Isolation;

/// <summary>A studio where user "alice" owns one finished image and one comparison.</summary>
public sealed class AliceHasAnImage : IAsyncLifetime
{
    public StudioFactory Studio { get; } = new();

    public JobRecord Job { get; private set; } = default!;

    public ImageRecord Image => Job.Images[0];

    public ComparisonRecord Comparison { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Job = await Studio.GenerateAsync("alice", "alice's secret lighthouse");
        var comparisons = Studio.Services.GetRequiredService<ComparisonService>();
        var (comparison, result) = await comparisons.CreateAsync("alice",
            new ComparisonRequest(Settings.Valid("alice's grid"), new AxisInput(AxisKind.Seed, "1, 2, 3, 4")));
        Assert.IsType<SubmitOutcome.Queued>(result);
        Comparison = comparison!;
    }

    public Task DisposeAsync()
    {
        Studio.Dispose();
        return Task.CompletedTask;
    }
}
