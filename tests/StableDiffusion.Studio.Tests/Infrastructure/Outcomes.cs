using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Tests.Infrastructure;

internal static class Outcomes
{
    /// <summary>The queued job; fails the test with the outcome when it was refused.</summary>
    public static JobRecord Queued(this SubmitOutcome outcome) =>
        Assert.IsType<SubmitOutcome.Queued>(outcome).Job;

    /// <summary>The messages per setting of an invalid submission; fails the test for any other outcome.</summary>
    public static IReadOnlyDictionary<Setting, string> Errors(this SubmitOutcome outcome) =>
        Assert.IsType<SubmitOutcome.Invalid>(outcome).Errors;
}
