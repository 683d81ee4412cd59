using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Onnx;

namespace StableDiffusion.Inference.Components;

/// <summary>
/// The UNet over rows that need not share a prompt: each row is one latent with its own text context (one image of one
/// job under its prompt or its negative prompt), so several jobs' images step in one call. Rows whose contexts have the
/// same length (77 per chunk) share a call; a UNet whose batch axis is fixed at 1 gets one call per row. Each row's
/// prediction is what <see cref="Unet.Predict(IReadOnlyList{double[]}, LatentShape, double, EncoderHiddenStates, CancellationToken, IReadOnlyList{double[]}?)"/>
/// makes of it: the same inputs, in a batch of another size.
/// </summary>
internal static class UnetRows
{
    /// <summary>One latent and the text context it is denoised under.</summary>
    public readonly record struct Row(double[] Sample, TextEmbeddings Context);

    /// <returns>Each row's predicted noise, in the rows' order, and the ONNX calls made.</returns>
    public static (float[][] Predictions, int Calls) Predict(Unet unet, IReadOnlyList<Row> rows, LatentShape shape, double timestep,
        CancellationToken cancellationToken)
    {
        if (unet.InChannels != shape.Channels)
        {
            throw new ArgumentException($"Shared batches are for txt2img UNets of {shape.Channels} channels; this one takes {unet.InChannels}.", nameof(shape));
        }

        var predictions = new float[rows.Count][];
        var groups = unet.FixedBatch == 1
            ? rows.Select((_, index) => (IReadOnlyList<int>)[index]).ToList()
            : rows.Select((row, index) => (row, index)).GroupBy(r => r.row.Context.Tokens).Select(g => (IReadOnlyList<int>)[.. g.Select(r => r.index)]).ToList();
        foreach (var group in groups)
        {
            var output = Run(unet, [.. group.Select(index => rows[index])], shape, timestep, cancellationToken);
            for (var i = 0; i < group.Count; i++)
            {
                predictions[group[i]] = output.AsSpan(i * shape.Length, shape.Length).ToArray();
            }
        }
        return (predictions, groups.Count);
    }

    private static float[] Run(Unet unet, IReadOnlyList<Row> rows, LatentShape shape, double timestep, CancellationToken cancellationToken)
    {
        var (tokens, hiddenSize) = (rows[0].Context.Tokens, rows[0].Context.HiddenSize);
        var samples = new double[rows.Count * shape.Length];
        var contexts = new float[rows.Count * tokens * hiddenSize];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Sample.CopyTo(samples.AsSpan(i * shape.Length));
            rows[i].Context.Values.CopyTo(contexts.AsSpan(i * tokens * hiddenSize));
        }

        using var sample = OrtTensors.FromDoubles(unet.SampleType, samples, [rows.Count, shape.Channels, shape.Height, shape.Width]);
        using var timestepValue = unet.Timestep.Create(timestep, rows.Count);
        using var encoderHiddenStates = OrtTensors.FromFloats(unet.EncoderHiddenStatesType, contexts, [rows.Count, tokens, hiddenSize]);
        var inputs = new Dictionary<string, OrtValue>
        {
            ["sample"] = sample,
            ["timestep"] = timestepValue,
            ["encoder_hidden_states"] = encoderHiddenStates,
        };
        using var outputs = unet.Graph.Run(inputs, "out_sample", cancellationToken);
        return OrtTensors.ToFloats(outputs[0]);
    }
}
