using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Generation;

/// <summary>One image of Create's results with the job that made it (its settings).</summary>
public sealed record ResultImage(JobRecord Job, ImageRecord Image);
