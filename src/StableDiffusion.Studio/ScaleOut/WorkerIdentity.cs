using Microsoft.Extensions.Options;

namespace StableDiffusion.Studio.ScaleOut;

/// <summary>The name this process claims jobs under: <c>Studio:WorkerName</c>, else host name and process id.</summary>
public sealed class WorkerIdentity(IOptions<StudioOptions> options)
{
    public string Id { get; } = string.IsNullOrWhiteSpace(options.Value.WorkerName)
        ? $"{Environment.MachineName}-{Environment.ProcessId}"
        : options.Value.WorkerName.Trim();
}
