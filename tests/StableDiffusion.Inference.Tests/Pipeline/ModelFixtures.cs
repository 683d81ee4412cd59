namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>The tiny random-weight model folders under tests/fixtures/models/, one per exporter contract.</summary>
internal static class ModelFixtures
{
    public const string Fp32Int32Int64Batch = "fp32-ids-int32-timestep-int64-batch";
    public const string Fp32Int64FloatOne = "fp32-ids-int64-timestep-float32-one";
    public const string Fp16Int64FloatScalar = "fp16-ids-int64-timestep-float32-scalar";
    public const string Fp16Int32HalfBatch = "fp16-ids-int32-timestep-float16-batch";

    /// <summary>A UNet whose encoder_hidden_states is fixed at [batch, 77, D]: one prompt chunk of context only.</summary>
    public const string ContextFixedAt77 = "fp32-ids-int64-timestep-int64-context-77";

    private static readonly Lazy<string> Root = new(LocateRepositoryRoot);

    public static TheoryData<string> Variants => [Fp32Int32Int64Batch, Fp32Int64FloatOne, Fp16Int64FloatScalar, Fp16Int32HalfBatch];

    public static string RepositoryRoot => Root.Value;

    public static string EmbeddedModel => Path.Combine(Root.Value, "models", "tiny-shapes");

    public static string PathOf(string variant) => Path.Combine(Root.Value, "tests", "fixtures", "models", variant);

    /// <summary>A throw-away copy of a fixture, to break on purpose; deleted when disposed.</summary>
    public static TemporaryModel Copy(string variant) => new(PathOf(variant));

    private static string LocateRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StableDiffusion.Studio.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("No StableDiffusion.Studio.sln above the test binaries.");
    }
}
