using System.Collections.Concurrent;

namespace StableDiffusion.Studio.Storage;

/// <summary>
/// Images whose row exists but whose file does not (restored database, deleted file), found at start. The gallery
/// shows a placeholder for them instead of a broken image; the file endpoint already answers 404.
/// </summary>
public sealed class MissingImageFiles
{
    private readonly ConcurrentDictionary<Guid, bool> missing = new();

    public int Count => missing.Count;

    public void Mark(Guid imageId) => missing[imageId] = true;

    public bool Contains(Guid imageId) => missing.ContainsKey(imageId);
}
