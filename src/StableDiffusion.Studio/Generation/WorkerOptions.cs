using System.ComponentModel.DataAnnotations;

namespace StableDiffusion.Studio.Generation;

/// <summary>The <c>Studio:Worker</c> section: how the worker runs the jobs it claims.</summary>
public sealed class WorkerOptions
{
    /// <summary>
    /// The most images one shared batch steps together: queued jobs of one model, size, step count and scheduler (without
    /// hires fix) run in one UNet call per step, up to this many images in all. 1 runs every job alone. On a CPU four gains most of
    /// what batching gives; on a GPU, mind its memory: activations grow with the batch.
    /// </summary>
    [Range(1, 64)]
    public int MaxBatch { get; set; } = 4;
}
