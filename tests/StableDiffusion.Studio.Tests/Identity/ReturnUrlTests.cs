using StableDiffusion.Studio.Components.Account;

namespace StableDiffusion.Studio.Tests.Identity;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/gallery?page=2", "/gallery?page=2")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example/phish", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("gallery", "/")]
    public void AfterSigningInOnlyAPathOfThisStudioIsFollowed(string? returnUrl, string expected) =>
        Assert.Equal(expected, ReturnUrl.Local(returnUrl));
}
