using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Scheduling;

public sealed class SamplerCatalogTests
{
    [Theory]
    [InlineData("DDIM", null, "ddim")]
    [InlineData("PNDM", null, "pndm")]
    [InlineData("PLMS", null, "pndm")]
    [InlineData("Euler", null, "euler")]
    [InlineData("Euler a", "Automatic", "euler-a")]
    [InlineData("euler a", null, "euler-a")]
    [InlineData("DPM++ 2M", "Karras", "dpmpp-2m-karras")]
    [InlineData("DPM++ 2M", "karras", "dpmpp-2m-karras")]
    [InlineData("DPM++ 2M", "Uniform", "dpmpp-2m")]
    [InlineData("DPM++ 2M", null, "dpmpp-2m-karras")]
    [InlineData("DPM++ 2M Karras", null, "dpmpp-2m-karras")]
    [InlineData("LMS", null, "lms")]
    [InlineData("LCM", null, "lcm")]
    [InlineData("DDPM", null, "ddpm")]
    [InlineData("Heun", "", "heun")]
    [InlineData("k_euler_a", null, "euler-a")]
    public void A1111SamplerNameAndScheduleTypeMapToASchedulerId(string sampler, string? scheduleType, string id)
    {
        Assert.Equal(id, SamplerCatalog.FromA1111(sampler, scheduleType));
    }

    [Fact]
    public void EveryIdRoundTripsThroughItsA1111Names()
    {
        foreach (var entry in SamplerCatalog.All)
        {
            Assert.Equal(entry.Id, SamplerCatalog.FromA1111(entry.SamplerName, entry.ScheduleType));
        }
    }

    [Fact]
    public void CatalogNamesDpmPlusPlus2MKarrasAsA1111Does()
    {
        var karras = SamplerCatalog.Get("dpmpp-2m-karras");

        Assert.Equal(("DPM++ 2M", "Karras"), (karras.SamplerName, karras.ScheduleType));
        Assert.Equal("Euler a", SamplerCatalog.Get("euler-a").SamplerName);
        Assert.Null(SamplerCatalog.Get("euler-a").ScheduleType);
    }

    [Fact]
    public void UnknownSamplerNameIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => SamplerCatalog.FromA1111("DPM++ 3M SDE"));

        Assert.Contains("Sampler 'DPM++ 3M SDE' not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("Euler a", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Euler", "Karras")]
    [InlineData("DDIM", "Exponential")]
    [InlineData("DPM++ 2M Karras", "Uniform")]
    public void ScheduleTypeASamplerCannotUseIsAClearError(string sampler, string scheduleType)
    {
        Assert.False(SamplerCatalog.TryFromA1111(sampler, scheduleType, out var id, out var error));
        Assert.Null(id);
        Assert.Contains($"Schedule type '{scheduleType}' is not available", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownIdIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => SamplerCatalog.Get("unipc"));
        Assert.Contains("unipc", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("euler-a", null, "euler-a")]
    [InlineData("EULER-A", null, "euler-a")]
    [InlineData("DPM++ 2M Karras", null, "dpmpp-2m-karras")]
    [InlineData("DPM++ 2M", null, "dpmpp-2m")]
    [InlineData("DPM++ 2M", "Karras", "dpmpp-2m-karras")]
    [InlineData("k_lms", null, "lms")]
    [InlineData("PLMS", null, "pndm")]
    [InlineData("unipc", null, null)]
    [InlineData("Euler a", "Karras", null)]
    public void IdOfAcceptsIdsDisplayNamesAndA1111Names(string name, string? scheduleType, string? id)
    {
        Assert.Equal(id, SamplerCatalog.IdOf(name, scheduleType));
    }
}
