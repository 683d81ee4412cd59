namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>
/// A private PostgreSQL server for one test run: Debian's binaries (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>),
/// a cluster made by initdb in a temporary folder, listening on a free loopback port, stopped and deleted at the
/// end. No system-wide service is touched.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private const string User = "studio";

    private readonly string bin;
    private readonly string folder;
    private readonly string? runAs;

    private PostgresInstance(string bin, string folder, string? runAs, int port)
    {
        this.bin = bin;
        this.folder = folder;
        this.runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={User};Database=postgres;Maximum Pool Size=20";

    private string DataFolder => Path.Combine(folder, "data");

    public static async Task<PostgresInstance> StartAsync()
    {
        var bin = FindBin();
        var folder = Directory.CreateTempSubdirectory("studio-postgres-").FullName;
        string? runAs = null;
        if (ServiceProcess.IsRoot)
        {
            runAs = "postgres";
            await ServiceProcess.RunAsync("chown", ["postgres", folder]);
        }

        var instance = new PostgresInstance(bin, folder, runAs, ServiceProcess.FreePort());
        await ServiceProcess.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", instance.DataFolder, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync"], runAs);
        await ServiceProcess.RunAsync(Path.Combine(bin, "pg_ctl"),
        [
            "-D", instance.DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
            // The socket goes in the private folder too; fsync off: the data is thrown away at the end.
            "-o", $"-p {instance.Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start",
        ], runAs);
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ServiceProcess.RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], runAs);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string FindBin()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            $"No PostgreSQL server under {root}: install Debian's postgresql package (./test.sh does when it is missing).");
    }
}
