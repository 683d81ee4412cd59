using StableDiffusion.Inference.Onnx;

namespace StableDiffusion.Inference.Tests.Onnx;

public sealed class OrtTensorsTests
{
    [Fact]
    public void NarrowingGivesTheFloatsOfACastOneValueAtATime()
    {
        var random = new Random(3);
        // Values a float cannot hold exactly (rounded to nearest, ties to even), beyond its range, tiny ones, NaN and signed zeros.
        double[] edges = [1 + Math.Pow(2, -24), 1 + 3 * Math.Pow(2, -24), double.MaxValue, -double.MaxValue, 1e-50, double.NaN, -0.0, double.Epsilon];
        double[] values = [.. edges, .. Enumerable.Range(0, 1001).Select(_ => (random.NextDouble() - 0.5) * 1e4), .. edges];
        var narrowed = new float[values.Length + 3];
        narrowed.AsSpan().Fill(7f);

        OrtTensors.Narrow(values, narrowed);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits((float)values[i]), BitConverter.SingleToInt32Bits(narrowed[i]));
        }
        // What lies past the values is left alone.
        Assert.Equal([7f, 7f, 7f], narrowed[^3..]);
    }
}
