using System.Diagnostics;
using System.Runtime.InteropServices;
using StableDiffusion.Inference.Clip;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// <c>sd bench --search</c>: the studio's search by meaning without the database: N random unit vectors stored as the
/// studio stores them (float32 bytes), a random query, and the median time of (a) ranking alone — a SIMD dot product
/// per vector and the top 24 — and (b) the same starting from the stored bytes, as a search does after its one query.
/// </summary>
internal static class SearchBench
{
    private const int PageSize = 24;

    public static Dictionary<string, object> Run(int images, int dimension, int runs, int warmup, TextWriter error)
    {
        var random = new Random(1234);
        var blobs = new byte[images][];
        for (var i = 0; i < images; i++)
        {
            blobs[i] = ClipVectors.ToBytes(RandomUnitVector(random, dimension));
        }
        var query = RandomUnitVector(random, dimension);
        var matrix = new float[images * dimension];
        var scores = new float[images];

        void Rank()
        {
            ClipVectors.Similarities(query, matrix, scores);
            ClipVectors.Top(scores, PageSize);
        }

        void CopyAndRank()
        {
            for (var i = 0; i < images; i++)
            {
                MemoryMarshal.Cast<byte, float>(blobs[i]).CopyTo(matrix.AsSpan(i * dimension, dimension));
            }
            Rank();
        }

        CopyAndRank();
        for (var i = 0; i < warmup; i++)
        {
            CopyAndRank();
        }

        var rankMs = Time(Rank, runs);
        var fromBytesMs = Time(CopyAndRank, runs);
        error.WriteLine($"search over {images} vectors of {dimension} floats, {Environment.ProcessorCount} cores: rank {BenchCommand.Median(rankMs):F2} ms, from stored bytes {BenchCommand.Median(fromBytesMs):F2} ms (median of {runs})");
        return new Dictionary<string, object>
        {
            ["images"] = images,
            ["dimension"] = dimension,
            ["processors"] = Environment.ProcessorCount,
            ["runs"] = runs,
            ["rank_ms"] = Stats(rankMs),
            ["rank_from_bytes_ms"] = Stats(fromBytesMs),
        };
    }

    private static float[] RandomUnitVector(Random random, int dimension)
    {
        var vector = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        }
        ClipVectors.Normalize(vector);
        return vector;
    }

    private static double[] Time(Action action, int runs)
    {
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return times;
    }

    private static Dictionary<string, double> Stats(double[] times) => new()
    {
        ["median"] = Math.Round(BenchCommand.Median(times), 3),
        ["min"] = Math.Round(times.Min(), 3),
        ["max"] = Math.Round(times.Max(), 3),
    };
}
