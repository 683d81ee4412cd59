using StableDiffusion.Inference.Clip;

namespace StableDiffusion.Inference.Tests.Clip;

public sealed class ClipVectorsTests
{
    [Fact]
    public void SimilaritiesAreDotProductsOfUnitVectorsAndTopOrdersThem()
    {
        float[] query = [3, 4];
        ClipVectors.Normalize(query);
        float[] rows = [1, 0, 0, 1, -1, 0, 0.6f, 0.8f];
        var scores = new float[4];

        ClipVectors.Similarities(query, rows, scores);

        Assert.Equal(new[] { 0.6f, 0.8f, -0.6f, 1f }, scores.Select(s => MathF.Round(s, 5)));
        Assert.Equal(new[] { 3, 1, 0 }, ClipVectors.Top(scores, 3));
        Assert.Equal(new[] { 3, 1, 0, 2 }, ClipVectors.Top(scores, 10));
    }

    [Fact]
    public void VectorsSurviveTheirStoredBytes()
    {
        float[] vector = [0.1f, -2.5f, 3e-8f];

        Assert.Equal(vector, ClipVectors.FromBytes(ClipVectors.ToBytes(vector)));
        Assert.Equal(12, ClipVectors.ToBytes(vector).Length);
    }
}
