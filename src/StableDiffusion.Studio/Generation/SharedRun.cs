using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// One shared batch on its way to the pipeline: each job's run joins with its settings, progress, token and skip as it
/// would start a run alone; when every job has joined (or said it will not), one <see cref="IImageGenerator.GenerateTogether"/>
/// runs them all, and each job's task ends with its own outcome.
/// </summary>
internal sealed class SharedRun(IImageGenerator generator, int jobs)
{
    private readonly List<(GenerationRequest Request, TaskCompletionSource<GenerationResult> Result)> joined = [];
    private int arrived;

    /// <summary>This job's part of the batch; its task ends when the pipeline has made its images or it left the batch.</summary>
    public Task<GenerationResult> Join(GenerationSettings settings, IProgress<StepProgress> progress, CancellationToken cancellationToken, SkipSignal skip)
    {
        var result = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (joined)
        {
            joined.Add((new GenerationRequest(settings, progress, cancellationToken, skip), result));
        }
        Arrive();
        return result.Task;
    }

    /// <summary>A job that ended before it joined (a failed read) must not hold the others back.</summary>
    public void Leave() => Arrive();

    private void Arrive()
    {
        if (Interlocked.Increment(ref arrived) == jobs)
        {
            // On a thread of its own, as a job alone runs (GenerationWorker.Alone): the run holds it for the whole batch.
            _ = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void Run()
    {
        List<(GenerationRequest Request, TaskCompletionSource<GenerationResult> Result)> members;
        lock (joined)
        {
            members = [.. joined];
        }
        if (members.Count == 0)
        {
            return;
        }

        try
        {
            var outcomes = generator.GenerateTogether([.. members.Select(m => m.Request)]);
            for (var i = 0; i < members.Count; i++)
            {
                if (outcomes[i].Error is { } error)
                {
                    members[i].Result.TrySetException(error);
                }
                else
                {
                    members[i].Result.TrySetResult(outcomes[i].Result!);
                }
            }
        }
        catch (Exception error)
        {
            members.ForEach(member => member.Result.TrySetException(error));
        }
    }
}
