namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>Every browser test shares one studio process; xunit runs the collection's tests one after another.</summary>
[CollectionDefinition(Name)]
public sealed class StudioCollection : ICollectionFixture<StudioFixture>
{
    public const string Name = "Studio";
}
