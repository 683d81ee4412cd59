using System.Text.RegularExpressions;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>What a browser on the web node sees of jobs that worker processes run, through Redis, and after Redis restarts.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterProgressTests(ClusterFixture cluster, ITestOutputHelper output)
{
    // Records every "Step x/y" the page shows: a fast job can pass a state between two polls of an assertion.
    private const string RecordProgress = """
        () => {
          const seen = window.studioStepsSeen = [];
          const record = () => {
            for (const el of document.querySelectorAll('[data-testid=step-text]')) {
              const text = el.textContent.trim();
              if (seen[seen.length - 1] !== text) seen.push(text);
            }
          };
          new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """;

    [Fact]
    public Task BrowserOnTheWebNodeSeesLiveProgressOfAJobThatAWorkerProcessRuns() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureWorkersAsync();
        await using var user = await cluster.OpenBrowserAsync("cluster-progress");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "a green triangle seen from the web node";
        await create.Prompt.FillAsync(prompt);
        // The most steps allowed, so a fast worker still sends several progress updates.
        await create.Steps.FillAsync("150");
        await user.Page.EvaluateAsync(RecordProgress);
        await create.Generate.ClickAsync();

        await Expect(create.Results.First.Locator("img")).ToHaveAttributeAsync("alt", new Regex(Regex.Escape(prompt)));
        var seen = await user.Page.EvaluateAsync<string[]>("() => window.studioStepsSeen");
        output.WriteLine("Progress seen: " + string.Join(" | ", seen));
        var steps = seen.Select(s => StepText().Match(s)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().ToList();
        Assert.True(steps.Count >= 2, $"The page showed no advancing progress: {string.Join(" | ", seen)}");

        // The web node runs no worker: the job ran in one of the worker processes.
        var job = (await cluster.JobsAsync(await cluster.JobIdsWithPromptAsync(prompt))).Single();
        Assert.Contains(job.WorkerId, ClusterFixture.WorkerNames);
        user.AssertNoPageProblems();
    });

    [Fact]
    public Task RedisRestartMidJobLosesNoJobAndThePageShowsTheFinalStateFromTheDatabase() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureWorkersAsync();
        await using var user = await cluster.OpenBrowserAsync("cluster-redis-restart");
        var create = new CreatePage(user);
        await create.OpenAsync();
        const string prompt = "a blue circle through a Redis restart";
        await create.Prompt.FillAsync(prompt);
        await create.Steps.FillAsync("150");
        await create.SetSizeAsync(192);
        await create.Generate.ClickAsync();
        await Expect(create.StepText).ToBeVisibleAsync();

        // The job ends while Redis is away, so the message that says so is lost for good: only the database has it.
        cluster.Redis.Kill();
        try
        {
            var id = (await cluster.JobIdsWithPromptAsync(prompt)).Single();
            Assert.Equal("Running", (await cluster.JobsAsync([id]))[0].Status);
            await cluster.WaitForJobsAsync([id], rows => rows[0].Status == "Succeeded", TimeSpan.FromSeconds(90));
            await Expect(create.Results).ToHaveCountAsync(0);
        }
        finally
        {
            await cluster.Redis.StartAgainAsync();
        }

        // The web node reconnects, reads the jobs its pages still show as running, and the page shows the image.
        await Expect(create.Results.First.Locator("img")).ToHaveAttributeAsync("alt", new Regex(Regex.Escape(prompt)), new() { Timeout = 60_000 });
        var job = (await cluster.JobsAsync(await cluster.JobIdsWithPromptAsync(prompt))).Single();
        Assert.Equal(("Succeeded", 1, 1), (job.Status, job.Attempts, job.Images));
    });

    [GeneratedRegex(@"Step (\d+)/\d+")]
    private static partial Regex StepText();
}
