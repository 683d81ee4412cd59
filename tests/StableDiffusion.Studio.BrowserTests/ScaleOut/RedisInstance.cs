using System.Collections.Concurrent;
using System.Diagnostics;

namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>
/// A private redis-server (Debian's package) on a free loopback port, without persistence, as a child process of the
/// tests: <see cref="Kill"/> ends it without a goodbye to its clients, losing everything in flight, and
/// <see cref="StartAgainAsync"/> brings up a new one on the same port.
/// </summary>
public sealed class RedisInstance : IAsyncDisposable
{
    private const string Program = "/usr/bin/redis-server";

    private readonly ConcurrentQueue<string> log = new();
    private readonly string folder = Directory.CreateTempSubdirectory("studio-redis-").FullName;
    private Process? process;

    public int Port { get; } = ServiceProcess.FreePort();

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisInstance> StartAsync()
    {
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is missing: install Debian's redis-server package (./test.sh does when it is missing).");
        }

        var instance = new RedisInstance();
        await instance.StartProcessAsync();
        return instance;
    }

    public void Kill() => Stop();

    public Task StartAgainAsync() => StartProcessAsync();

    public ValueTask DisposeAsync()
    {
        Stop();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        process = ServiceProcess.StartInBackground(Program,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder], log);
        await ServiceProcess.WaitForPortAsync(Port, TimeSpan.FromSeconds(20));
    }

    private void Stop()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }

        process?.Dispose();
        process = null;
    }
}
