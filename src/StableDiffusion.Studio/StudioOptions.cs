using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.ScaleOut;

namespace StableDiffusion.Studio;

/// <summary>The <c>Studio</c> configuration section.</summary>
public sealed class StudioOptions
{
    /// <summary>Database, images, uploads and data-protection keys; relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Queued jobs one user may have waiting (a comparison counts once).</summary>
    [Range(1, 1000)]
    public int MaxQueuedJobsPerUser { get; set; } = 10;

    /// <summary>Submissions (a comparison counts once) one user may make per minute, on top of the queue cap.</summary>
    [Range(1, 10_000)]
    public int SubmitsPerMinutePerUser { get; set; } = 20;

    /// <summary>Open tabs (Blazor circuits) one user may have at once; the next one is refused with a message.</summary>
    [Range(1, 1000)]
    public int MaxCircuitsPerUser { get; set; } = 20;

    /// <summary>Jobs the worker runs at once. One GPU usually wants one: concurrent runs multiply activation memory.</summary>
    [Range(1, 16)]
    public int WorkerConcurrency { get; set; } = 1;

    /// <summary>Shared batches: how many images of several queued jobs step together.</summary>
    [ValidateObjectMembers]
    public WorkerOptions Worker { get; set; } = new();

    /// <summary>
    /// Longest a generation may go without finishing a step before the worker stops it as hung and moves on to the
    /// next job. The wait for the first step includes loading a model on its first use.
    /// </summary>
    [Range(1, 24 * 60 * 60)]
    public int StepTimeoutSeconds { get; set; } = 300;

    /// <summary>Largest init image upload in bytes.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>
    /// Free bytes the data directory's drive must have for a new job to be accepted: refusing at the door beats a
    /// job that fails after its whole run because its PNG cannot be written.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MinFreeDiskBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// How long a submission waits for another process's write lock on the database before it is answered 503 with
    /// Retry-After instead of hanging for SQLite's default 30 s.
    /// </summary>
    [Range(1, 300)]
    public int DatabaseBusyTimeoutSeconds { get; set; } = 10;

    /// <summary>Requests one client address may make to share links (/s/…) per minute before getting 429.</summary>
    [Range(1, 100_000)]
    public int ShareRequestsPerMinute { get; set; } = 120;

    /// <summary>What this process does: <c>web</c> (pages and APIs), <c>worker</c> (runs jobs), or both, the default.</summary>
    [RegularExpression(@"(?i)^\s*(web|worker)\s*(,\s*(web|worker)\s*)?$", ErrorMessage = "Studio:Roles is web, worker, or web,worker.")]
    public string Roles { get; set; } = "web,worker";

    /// <summary>The database: SQLite in the data directory by default, PostgreSQL for several nodes.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>redis:6379</c>) that carries progress, wake-ups and cancels
    /// between nodes, and the SignalR backplane; empty for one process.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// How long a worker's claim on a running job lasts without renewal (PostgreSQL). The worker renews it every
    /// third of this; a job whose lease passes is requeued once, then failed.
    /// </summary>
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 15;

    /// <summary>
    /// User ids (as the Settings page shows them) whose Queue page also lists every running job with the worker that
    /// runs it, and the workers with their leases.
    /// </summary>
    public string[] Administrators { get; set; } = [];

    /// <summary>
    /// The email of the account that administers the studio (the admin page: the whole queue, cancelling any job,
    /// disabling accounts). When empty, the first account made is the administrator.
    /// </summary>
    [EmailAddress]
    public string? AdministratorEmail { get; set; }

    /// <summary>
    /// Accounts only: pages send a browser without an account to the sign-in page, and API keys work only when an
    /// account made them. Off by default, where every browser starts with an anonymous identity of its own.
    /// </summary>
    public bool RequireSignIn { get; set; }

    /// <summary>The name a worker shows in the queue and /healthz; the host name and process id when empty.</summary>
    public string? WorkerName { get; set; }

    /// <summary>Origin used for absolute links in share pages (Open Graph); the request's own origin when empty.</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }
}
