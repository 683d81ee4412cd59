using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Tests.Scheduling;

/// <summary>
/// The schedulers' arithmetic runs in vectors over most of a latent and one value at a time over the rest. Every value of a
/// latent is stepped on its own (no sampler mixes positions), so a value stepped inside a long latent must come out with
/// the very bits it gets stepped alone, where only the one-at-a-time code runs.
/// </summary>
public sealed class VectorisedStepTests
{
    private static readonly SchedulerConfig StableDiffusion15 = SchedulerConfig.Parse(
        """{"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000, "steps_offset": 1, "set_alpha_to_one": false, "skip_prk_steps": true, "clip_sample": false}""");

    public static TheoryData<string, string> Samplers()
    {
        var data = new TheoryData<string, string>();
        foreach (var id in SamplerCatalog.Ids)
        {
            data.Add(id, "epsilon");
            data.Add(id, "v_prediction");
            if (id != "pndm")
            {
                // PNDM refuses "sample", as diffusers does.
                data.Add(id, "sample");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void AValueSteppedInALongLatentGetsTheBitsItGetsAlone(string id, string predictionType)
    {
        const int length = 39, steps = 6;
        var config = StableDiffusion15 with { PredictionType = SchedulerConfig.ParsePredictionType(predictionType) };
        var random = new Random(11);
        var start = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        var outputs = Enumerable.Range(0, 2 * steps).Select(_ => Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToArray();

        var (whole, wholeOriginals) = Run(id, config, steps, start, outputs, 0);
        for (var k = 0; k < length; k++)
        {
            var (alone, aloneOriginals) = Run(id, config, steps, [start[k]], [.. outputs.Select(output => new[] { output[k] })], k);
            Assert.Equal(BitConverter.DoubleToInt64Bits(whole[k]), BitConverter.DoubleToInt64Bits(alone[0]));
            for (var step = 0; step < wholeOriginals.Count; step++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(wholeOriginals[step][k]), BitConverter.DoubleToInt64Bits(aloneOriginals[step][0]));
            }
        }
    }

    /// <summary>Every loop iteration of <paramref name="steps"/> steps; the latent at the end and each step's predicted clean sample.</summary>
    private static (double[] Latent, List<double[]> Originals) Run(string id, SchedulerConfig config, int steps, double[] start, double[][] outputs, int offset)
    {
        var scheduler = SchedulerFactory.Create(id, config);
        scheduler.SetTimesteps(steps);
        var latent = (double[])start.Clone();
        var input = new double[latent.Length];
        var noise = new PositionNoise(offset);
        var originals = new List<double[]>();
        for (var i = 0; i < scheduler.Timesteps.Count; i++)
        {
            scheduler.ScaleModelInput(latent, i, input);
            // The model output depends on the input, as a UNet's does, so a scaled input that differed would show.
            var output = outputs[i % outputs.Length].Select((value, j) => value + 0.01 * input[j]).ToArray();
            originals.Add((double[])scheduler.Step(output, i, latent, noise).Clone());
        }
        return (latent, originals);
    }

    /// <summary>Fresh noise whose value depends on the draw and the position in the whole latent, not in the span filled.</summary>
    private sealed class PositionNoise(int offset) : INoiseGenerator
    {
        private int draws;

        public void Fill(Span<float> destination)
        {
            draws++;
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = MathF.Sin(draws * 7.1f + (offset + i) * 1.3f);
            }
        }
    }
}
