namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>The scale-out tests share one cluster; xunit runs them one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}
