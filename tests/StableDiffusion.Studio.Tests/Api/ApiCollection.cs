namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// The API test classes run one after another: each starts its own studio, and several hosts migrating and loading
/// the fixture models at once on a small machine only make every test slower.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection
{
    public const string Name = "Api";
}
