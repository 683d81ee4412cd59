using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StableDiffusion.Studio.Tests.Generation;

/// <summary>
/// Fifty people's pages watching the queue at once, wired as Create and Queue wire theirs: each circuit's own
/// <see cref="GenerationService"/> scope and <see cref="LiveJobs"/>, re-reading its jobs from the database before a
/// render, as those pages do. Fifty real browsers would not fit on a two-core test machine.
/// </summary>
public sealed class ManyCircuitsTests(ITestOutputHelper output)
{
    private const int Owners = 50;
    private const int JobsEach = 2;

    [Fact]
    public async Task FiftyOwnersTwoJobsEachAllFinishAndNoCircuitRendersMoreThanFourTimesASecond()
    {
        using var studio = new StudioFactory();
        // A step every millisecond: far more progress than a browser could take, and a queue that moves every few
        // hundred milliseconds, which every circuit hears about.
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(1);
        var circuits = new List<Circuit>();
        for (var i = 0; i < Owners; i++)
        {
            circuits.Add(await Circuit.OpenAsync(studio, $"owner-{i:00}"));
        }

        var clock = Stopwatch.StartNew();
        var jobs = new List<(string Owner, Guid Id)>();
        foreach (var circuit in circuits)
        {
            for (var j = 0; j < JobsEach; j++)
            {
                var settings = Settings.Valid($"{circuit.Owner} job {j}") with { Steps = 50 };
                jobs.Add((circuit.Owner, (await studio.Submission.SubmitAsync(circuit.Owner, settings)).Queued().Id));
            }
        }

        var finished = new List<JobRecord>();
        foreach (var (owner, id) in jobs)
        {
            finished.Add(await studio.WaitForFinishAsync(owner, id, TimeSpan.FromSeconds(120)));
        }

        var elapsed = clock.Elapsed;
        // Let the trailing renders land before the circuits close.
        await Task.Delay(500);
        foreach (var circuit in circuits)
        {
            circuit.Dispose();
        }

        var busiest = circuits.MaxBy(c => c.MostRendersInOneSecond())!;
        output.WriteLine($"{finished.Count} jobs in {elapsed.TotalSeconds:0.0} s; {circuits.Sum(c => c.Updates)} progress updates, " +
                         $"{circuits.Sum(c => c.Renders.Count)} renders across {Owners} circuits; the busiest rendered " +
                         $"{busiest.MostRendersInOneSecond()} times in its busiest second ({busiest.Renders.Count} in all).");
        Assert.All(finished, job => Assert.Equal(JobStatus.Succeeded, job.Status));
        Assert.Equal(Owners * JobsEach, finished.Count);
        Assert.All(circuits, c => Assert.True(c.Updates > c.Renders.Count, $"{c.Owner} rendered once per update"));
        // Four a second, and a fifth only if a second's two edges fall exactly on renders 250 ms apart.
        Assert.All(circuits, c => Assert.InRange(c.MostRendersInOneSecond(), 1, 5));
        Assert.All(circuits, c => Assert.Equal(c.Renders.Count, c.Rendered));
        // Each circuit saw its own jobs finish: the render after the last one read them back as done.
        Assert.All(circuits, c => Assert.Empty(c.Active));
    }

    /// <summary>One browser tab's server side: its scope, its user, its serialized dispatcher, its renders.</summary>
    private sealed class Circuit : IDisposable
    {
        private readonly AsyncServiceScope scope;
        private readonly SemaphoreSlim dispatcher = new(1, 1);
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private LiveJobs? live;
        private int updates;
        private int rendered;

        private Circuit(AsyncServiceScope scope, string owner)
        {
            this.scope = scope;
            Owner = owner;
        }

        public string Owner { get; }

        /// <summary>
        /// When each render was handed to the circuit: the throttle's doing. Its end can come later, after the
        /// dispatcher's previous work and the database read before it, which on a loaded machine bunches the ends.
        /// </summary>
        public ConcurrentQueue<TimeSpan> Renders { get; } = new();

        public int Rendered => Volatile.Read(ref rendered);

        public IReadOnlyList<JobRecord> Active { get; private set; } = [];

        public int Updates => Volatile.Read(ref updates);

        public static async Task<Circuit> OpenAsync(StudioFactory studio, string owner)
        {
            var scope = studio.Services.CreateAsyncScope();
            var authentication = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
            authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(StudioIdentity.CreatePrincipal(owner))));
            var circuit = new Circuit(scope, owner);
            var generation = scope.ServiceProvider.GetRequiredService<GenerationService>();
            circuit.live = await LiveJobs.StartAsync(generation, new ReconnectNotifier(), circuit.InvokeAsync,
                async () => circuit.Active = await generation.ListActiveAsync(), circuit.Render);
            // Counts what reaches the page before the throttle, on the worker's thread as the page's handlers run.
            await generation.SubscribeAsync(_ => Interlocked.Increment(ref circuit.updates), () => { });
            return circuit;
        }

        /// <summary>The most renders that fell in any one second.</summary>
        public int MostRendersInOneSecond()
        {
            var times = Renders.Order().ToList();
            var most = 0;
            for (int first = 0, last = 0; last < times.Count; last++)
            {
                while (times[last] - times[first] > TimeSpan.FromSeconds(1))
                {
                    first++;
                }

                most = Math.Max(most, last - first + 1);
            }

            return most;
        }

        public void Dispose()
        {
            live?.Dispose();
            scope.Dispose();
        }

        private void Render() => Interlocked.Increment(ref rendered);

        private async Task InvokeAsync(Func<Task> work)
        {
            Renders.Enqueue(clock.Elapsed);
            await dispatcher.WaitAsync();
            try
            {
                await work();
            }
            finally
            {
                dispatcher.Release();
            }
        }
    }
}
