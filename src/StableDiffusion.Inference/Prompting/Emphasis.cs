namespace StableDiffusion.Inference.Prompting;

/// <summary>
/// Token weights applied to one chunk's encoder output, as A1111's modules/sd_emphasis.py: "Original" multiplies every
/// token's hidden state by its weight and then rescales the whole chunk so its mean over all positions and channels is
/// what it was; "No norm" only multiplies; "None" leaves it. The arithmetic is float32's, as A1111's tensors.
/// </summary>
public static class Emphasis
{
    /// <param name="hiddenStates">One chunk's last_hidden_state, [77, hidden size] row-major; changed in place.</param>
    /// <param name="multipliers">One weight per token (77).</param>
    public static void Apply(Span<float> hiddenStates, IReadOnlyList<double> multipliers, EmphasisMode mode)
    {
        // All weights 1 leave z as it is (z·1 has the same mean, so the rescale is by exactly 1).
        if (mode == EmphasisMode.None || multipliers.All(weight => weight == 1.0))
        {
            return;
        }
        if (multipliers.Count == 0 || hiddenStates.Length % multipliers.Count != 0)
        {
            throw new ArgumentException($"{hiddenStates.Length} hidden values do not split into {multipliers.Count} tokens.", nameof(multipliers));
        }

        var hiddenSize = hiddenStates.Length / multipliers.Count;
        var originalMean = Mean(hiddenStates);
        for (var token = 0; token < multipliers.Count; token++)
        {
            // torch.asarray of the Python floats makes a float32 tensor: the weight is rounded before multiplying.
            var weight = (float)multipliers[token];
            foreach (ref var value in hiddenStates.Slice(token * hiddenSize, hiddenSize))
            {
                value *= weight;
            }
        }

        if (mode == EmphasisMode.Original)
        {
            // "restoring original mean is likely not correct, but it seems to work well to prevent artifacts" (A1111).
            var scale = originalMean / Mean(hiddenStates);
            foreach (ref var value in hiddenStates)
            {
                value *= scale;
            }
        }
    }

    /// <summary>z.mean() as a float32 scalar, summed in double so the order of a long sum does not matter.</summary>
    private static float Mean(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }
        return (float)(sum / values.Length);
    }
}
