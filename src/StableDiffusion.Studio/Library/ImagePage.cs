using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Library;

public sealed record ImagePage(IReadOnlyList<ImageRecord> Items, int Total);
