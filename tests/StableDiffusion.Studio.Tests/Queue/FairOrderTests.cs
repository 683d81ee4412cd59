using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class FairOrderTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void OwnersAlternateWhateverTheSubmissionOrder()
    {
        var queued = new[] { Job("a", 0), Job("a", 1), Job("a", 2), Job("b", 3), Job("c", 4), Job("b", 5) };

        var order = FairOrder.Order(queued, new Dictionary<string, long>());

        Assert.Equal(["a", "b", "c", "a", "b", "a"], order.Select(j => j.OwnerId));
        Assert.Equal([0, 3, 4, 1, 5, 2], order.Select(j => (int)(j.CreatedAt - T0).TotalSeconds));
    }

    [Fact]
    public void AnOwnerServedMostRecentlyWaitsForTheOthers()
    {
        var queued = new[] { Job("a", 0), Job("b", 1) };

        var order = FairOrder.Order(queued, new Dictionary<string, long> { ["a"] = 5, ["b"] = 2 });

        Assert.Equal(["b", "a"], order.Select(j => j.OwnerId));
    }

    [Fact]
    public void AnOwnerNeverServedGoesBeforeOneAlreadyServed()
    {
        var queued = new[] { Job("a", 0), Job("newcomer", 9) };

        var order = FairOrder.Order(queued, new Dictionary<string, long> { ["a"] = 1 });

        Assert.Equal(["newcomer", "a"], order.Select(j => j.OwnerId));
    }

    [Fact]
    public void OwnersNeverServedGoInSubmissionOrderNotByName()
    {
        // Names that sort against submission order, so that ordering by owner id alone would put adam first.
        var queued = new[] { Job("adam", 2), Job("zoe", 0), Job("mia", 1), Job("zoe", 3) };

        var order = FairOrder.Order(queued, new Dictionary<string, long>());

        Assert.Equal(["zoe", "mia", "adam", "zoe"], order.Select(j => j.OwnerId));
    }

    [Fact]
    public void OwnersNeverServedWhoSubmittedAtTheSameInstantGoByName()
    {
        var queued = new[] { Job("zoe", 0), Job("adam", 0) };

        var order = FairOrder.Order(queued, new Dictionary<string, long>());

        Assert.Equal(["adam", "zoe"], order.Select(j => j.OwnerId));
    }

    private static QueuedJob Job(string owner, int second) => new(Guid.NewGuid(), owner, T0.AddSeconds(second));
}
