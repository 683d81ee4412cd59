using System.Collections.Concurrent;

namespace StableDiffusion.Studio.Identity;

/// <summary>
/// Open circuits per user id. Blazor sets no limit on connections per user (Microsoft's threat-mitigation guidance
/// for Blazor Server), and each circuit holds server memory, so one identity gets at most <c>MaxCircuitsPerUser</c>.
/// </summary>
public sealed class OpenCircuits
{
    private readonly ConcurrentDictionary<string, int> counts = new();

    /// <summary>Counts one more circuit for the user unless that would pass <paramref name="limit"/>.</summary>
    public bool TryOpen(string userId, int limit)
    {
        while (true)
        {
            var current = counts.GetValueOrDefault(userId);
            if (current >= limit)
            {
                return false;
            }

            if (current == 0 ? counts.TryAdd(userId, 1) : counts.TryUpdate(userId, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Close(string userId)
    {
        while (counts.TryGetValue(userId, out var current))
        {
            if (current <= 1 ? counts.TryRemove(new KeyValuePair<string, int>(userId, current)) : counts.TryUpdate(userId, current - 1, current))
            {
                return;
            }
        }
    }

    public int CountOf(string userId) => counts.GetValueOrDefault(userId);
}
