using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Generation;

/// <summary>Every setting has a name on every surface, so no validation message is ever shown under a raw key.</summary>
public sealed class SettingNamesTests
{
    public static TheoryData<string, IReadOnlyDictionary<Setting, string>> Surfaces => new()
    {
        { "form labels", SettingLabels.All },
        { "native API fields", NativeApiEndpoints.FieldNames },
        { "A1111 API fields", A1111Endpoints.FieldNames },
    };

    [Theory]
    [MemberData(nameof(Surfaces))]
    public void EverySettingHasOneDistinctNameOnEachSurface(string surface, IReadOnlyDictionary<Setting, string> names)
    {
        var missing = Enum.GetValues<Setting>().Where(s => !names.ContainsKey(s)).ToList();

        Assert.True(missing.Count == 0, $"{surface} lack {string.Join(", ", missing)}");
        // A1111 has one denoising_strength for img2img's strength and txt2img's hires pass: never both in one request.
        var shared = surface == "A1111 API fields" ? 1 : 0;
        Assert.Equal(names.Count - shared, names.Values.Distinct().Count());
    }
}
