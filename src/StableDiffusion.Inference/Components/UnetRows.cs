using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Onnx;

namespace StableDiffusion.Inference.Components;

/// <summary>
/// The UNet over rows that need not share a prompt: each row is one latent with its own text context (one image of one
/// job under its prompt or its negative prompt), so one job's images or several jobs' images step in one call. Rows whose
/// contexts have the same length (77 per chunk) share a call, in the rows' order; a UNet whose batch axis is fixed at 1
/// gets one call per row. Rows given prompt-major ([every negative prompt row, every prompt row]) make one job's batch
/// the very calls <see cref="Unet.Predict(IReadOnlyList{double[]}, LatentShape, double, EncoderHiddenStates, CancellationToken, IReadOnlyList{double[]}?)"/>
/// makes; other rows get the same predictions from a batch of another size.
/// Dispose it when the loop is done: it keeps the text contexts it made while the same rows keep stepping together.
/// </summary>
internal sealed class UnetRows(Unet unet) : IDisposable
{
    /// <summary>The contexts of the calls of the last step and of this one, so each is made once while its rows step together.</summary>
    private List<(TextEmbeddings[] Rows, OrtValue States)> lastStep = [], thisStep = [];

    /// <summary>Where a step's predictions are gathered when its rows take several calls: reused, as a step's rows rarely change in number.</summary>
    private float[] predictions = [];

    /// <summary>
    /// One latent, the text context it is denoised under and, for an inpainting UNet, its mask and masked-image latents
    /// joined after it on the channel axis.
    /// </summary>
    public readonly record struct Row(double[] Sample, TextEmbeddings Context, double[]? Conditioning = null);

    /// <summary>
    /// Each row's predicted noise, row after row in the rows' order, handed to <paramref name="read"/> (valid only during that
    /// call). When every row is in one call, that is the call's output where ONNX Runtime left it; else the calls' outputs
    /// gathered into a buffer this object reuses.
    /// </summary>
    /// <returns>The ONNX calls made.</returns>
    public int Predict(IReadOnlyList<Row> rows, LatentShape shape, double timestep, CancellationToken cancellationToken, Unet.OutputReader read)
    {
        var conditioning = (unet.InChannels - shape.Channels) * shape.Height * shape.Width;
        if (rows.Any(row => (row.Conditioning?.Length ?? 0) != conditioning))
        {
            throw new ArgumentException(unet.IsInpainting
                ? "This is an inpainting UNet: it needs a mask and an init image."
                : $"The UNet takes {unet.InChannels} channels; got {shape.Channels} and conditioning that does not make up the rest.", nameof(rows));
        }

        var groups = unet.FixedBatch == 1
            ? rows.Select((_, index) => (IReadOnlyList<int>)[index]).ToList()
            : rows.Select((row, index) => (row, index)).GroupBy(r => r.row.Context.Tokens).Select(g => (IReadOnlyList<int>)[.. g.Select(r => r.index)]).ToList();
        (lastStep, thisStep) = (thisStep, []);
        if (groups.Count == 1)
        {
            // One call with every row in order: its output is read in place (at 512² a copy would be 128 KB a row).
            Run(rows, shape, timestep, cancellationToken, read);
        }
        else
        {
            if (predictions.Length < rows.Count * shape.Length)
            {
                predictions = new float[rows.Count * shape.Length];
            }
            foreach (var group in groups)
            {
                Run([.. group.Select(index => rows[index])], shape, timestep, cancellationToken, output =>
                {
                    for (var i = 0; i < group.Count; i++)
                    {
                        output.Slice(i * shape.Length, shape.Length).CopyTo(predictions.AsSpan(group[i] * shape.Length));
                    }
                });
            }
            read(predictions.AsSpan(0, rows.Count * shape.Length));
        }
        foreach (var (_, states) in lastStep.Where(made => !thisStep.Contains(made)))
        {
            states.Dispose();
        }
        lastStep = [];
        return groups.Count;
    }

    public void Dispose()
    {
        foreach (var (_, states) in lastStep.Concat(thisStep).Distinct())
        {
            states.Dispose();
        }
    }

    /// <remarks>The samples go as the model's floats through a pooled buffer, as <see cref="Unet.Predict(IReadOnlyList{double[]}, LatentShape, double, EncoderHiddenStates, CancellationToken, IReadOnlyList{double[]}?)"/> sends them.</remarks>
    private void Run(IReadOnlyList<Row> rows, LatentShape shape, double timestep, CancellationToken cancellationToken, Unet.OutputReader read)
    {
        var inputShape = shape with { Channels = unet.InChannels };
        var rented = ArrayPool<float>.Shared.Rent(inputShape.Length * rows.Count);
        try
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var input = rented.AsSpan(i * inputShape.Length, inputShape.Length);
                OrtTensors.Narrow(rows[i].Sample, input);
                OrtTensors.Narrow(rows[i].Conditioning, input[shape.Length..]);
            }
            using var sample = OrtTensors.FromPooledFloats(unet.SampleType, rented, inputShape.Length * rows.Count,
                [rows.Count, inputShape.Channels, inputShape.Height, inputShape.Width]);
            unet.Run(sample, timestep, rows.Count, Contexts([.. rows.Select(row => row.Context)]), cancellationToken, read);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The rows' contexts stacked for one call: the tensor the last step made for the same rows, else a new one.</summary>
    private OrtValue Contexts(TextEmbeddings[] contexts)
    {
        var made = lastStep.Concat(thisStep).FirstOrDefault(made => made.Rows.SequenceEqual(contexts, ReferenceEqualityComparer.Instance));
        if (made.States is null)
        {
            made = (contexts, unet.Stack(contexts));
        }
        if (!thisStep.Contains(made))
        {
            thisStep.Add(made);
        }
        return made.States;
    }
}
