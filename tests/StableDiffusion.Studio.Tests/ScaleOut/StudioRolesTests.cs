using StableDiffusion.Studio.ScaleOut;

namespace StableDiffusion.Studio.Tests.ScaleOut;

public sealed class StudioRolesTests
{
    [Theory]
    [InlineData("web", true, false)]
    [InlineData("worker", false, true)]
    [InlineData("web,worker", true, true)]
    [InlineData(" Worker , WEB ", true, true)]
    [InlineData("", true, true)]
    public void RolesAreReadFromTheirCommaSeparatedNames(string roles, bool web, bool worker) =>
        Assert.Equal(new StudioRoles(web, worker), StudioRoles.Parse(roles));

    [Fact]
    public void OneProcessIsBothWebAndWorkerByDefault() =>
        Assert.Equal("web,worker", StudioRoles.Parse(new StudioOptions().Roles).ToString());
}
