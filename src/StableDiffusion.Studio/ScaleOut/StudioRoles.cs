namespace StableDiffusion.Studio.ScaleOut;

/// <summary>
/// What this process does (<c>Studio:Roles</c>): a web node serves pages and APIs and never loads a model; a worker
/// loads models and runs jobs and serves only /healthz. One process is both by default.
/// </summary>
public sealed record StudioRoles(bool Web, bool Worker)
{
    public static StudioRoles Parse(string? roles)
    {
        var names = (roles ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return names.Length == 0
            ? new StudioRoles(true, true)
            : new StudioRoles(names.Contains("web", StringComparer.OrdinalIgnoreCase), names.Contains("worker", StringComparer.OrdinalIgnoreCase));
    }

    public override string ToString() => Web && Worker ? "web,worker" : Web ? "web" : "worker";
}
