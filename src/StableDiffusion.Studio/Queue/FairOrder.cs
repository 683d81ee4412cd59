namespace StableDiffusion.Studio.Queue;

/// <summary>
/// Round-robin between owners, not first-come: the next job belongs to the owner served longest ago (an owner never
/// served goes first, earliest submission breaking ties); within one owner, jobs run in submission order. InvokeAI's
/// multi-user session queue schedules the same way.
/// </summary>
public static class FairOrder
{
    /// <param name="queued">Waiting jobs in any order.</param>
    /// <param name="lastServed">Per owner, a counter value from when their last job was started; higher is later.</param>
    public static IReadOnlyList<QueuedJob> Order(IEnumerable<QueuedJob> queued, IReadOnlyDictionary<string, long> lastServed)
    {
        var perOwner = queued
            .GroupBy(j => j.OwnerId)
            .ToDictionary(g => g.Key, g => new Queue<QueuedJob>(g.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id)));
        var served = perOwner.Keys.ToDictionary(o => o, o => lastServed.TryGetValue(o, out var t) ? t : long.MinValue);
        var tick = served.Values.Where(v => v != long.MinValue).DefaultIfEmpty(0).Max();

        var order = new List<QueuedJob>();
        while (perOwner.Count > 0)
        {
            var owner = perOwner.Keys
                .OrderBy(o => served[o])
                .ThenBy(o => perOwner[o].Peek().CreatedAt)
                .ThenBy(o => o, StringComparer.Ordinal)
                .First();
            var jobs = perOwner[owner];
            order.Add(jobs.Dequeue());
            served[owner] = ++tick;
            if (jobs.Count == 0)
            {
                perOwner.Remove(owner);
            }
        }

        return order;
    }
}
