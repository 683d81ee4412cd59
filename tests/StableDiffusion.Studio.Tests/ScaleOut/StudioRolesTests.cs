using System.ComponentModel.DataAnnotations;
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

    [Theory]
    [InlineData("web", true)]
    [InlineData("Worker, WEB", true)]
    [InlineData("web,worker", true)]
    [InlineData("gpu", false)]
    [InlineData("web,worker,web", false)]
    public void StartUpRefusesRolesThatAreNotWebOrWorker(string roles, bool valid)
    {
        var options = new StudioOptions { Roles = roles };
        var errors = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        if (!valid)
        {
            Assert.Equal("Studio:Roles is web, worker, or web,worker.", Assert.Single(errors).ErrorMessage);
        }
    }
}
