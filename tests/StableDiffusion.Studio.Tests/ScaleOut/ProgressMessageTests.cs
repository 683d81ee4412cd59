using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.ScaleOut;

namespace StableDiffusion.Studio.Tests.ScaleOut;

public sealed class ProgressMessageTests
{
    [Fact]
    public void AnUpdateCrossesBetweenNodesWithEveryField()
    {
        var update = new JobUpdate(Guid.NewGuid(), "owner", JobStatus.Running, 3, 25, 4, 8, TimeSpan.FromSeconds(2), [1, 2, 3], null, [Guid.NewGuid()], BatchSize: 4);

        var received = ProgressMessage.From("node-a", update).ToUpdate();

        Assert.Equal(update with { ImageIds = received.ImageIds, Preview = received.Preview }, received);
        Assert.Equal(update.ImageIds, received.ImageIds);
        Assert.Equal(update.Preview, received.Preview);
    }
}
