using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>
/// The studio as users run it: its built dll in its own process, in Production, on a free loopback port, with a
/// throwaway data directory. Its console output is kept so a failing test can show it.
/// </summary>
public sealed class StudioServer : IAsyncDisposable
{
    private const string FallbackModelName = "fixture";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly ConcurrentQueue<string> log = new();
    private readonly List<string> ownedDirectories;

    private StudioServer(Process process, Uri baseAddress, List<string> ownedDirectories)
    {
        this.process = process;
        this.ownedDirectories = ownedDirectories;
        BaseAddress = baseAddress;
    }

    public const string AdministratorEmail = "admin@studio.test";

    public Uri BaseAddress { get; }

    /// <summary>Everything the server printed so far, stdout and stderr interleaved as they arrived.</summary>
    public string Log => string.Join(Environment.NewLine, log);

    /// <summary>The last lines the server printed: what a failing test needs, without every earlier test's lines.</summary>
    public string LogTail(int lines = 200) => string.Join(Environment.NewLine, log.TakeLast(lines));

    /// <param name="environment">Settings on top of the defaults (a name already set replaces it), as <c>Studio__Roles</c>.</param>
    public static async Task<StudioServer> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = RepositoryRoot.Path;
        var dll = Path.Combine(root, "src", "StableDiffusion.Studio", "bin", "Debug", "net10.0", "StableDiffusion.Studio.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the test project, which builds the studio first.");
        }

        var dataDirectory = Directory.CreateTempSubdirectory("studio-browser-data-").FullName;
        var owned = new List<string> { dataDirectory };
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        // Production, as deployed: this also proves static assets are served outside Development.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["Studio__DataDirectory"] = dataDirectory;
        // The browser checks the UI, not the execution provider: CPU everywhere keeps start-up the same on any machine.
        start.Environment["Inference__ExecutionProvider"] = "cpu";
        // The account tests sign up as this one to see the admin page, whichever account another test makes first.
        start.Environment["Studio__AdministratorEmail"] = AdministratorEmail;
        if (FallbackModelsDirectory(root) is { } models)
        {
            owned.Add(models);
            start.Environment["Inference__ModelsDirectory"] = models;
            start.Environment["Inference__DefaultModel"] = FallbackModelName;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new StudioServer(process, baseAddress, owned);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilHealthyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Ends the process at once with SIGKILL, as <c>kill -9</c>: no shutdown code runs.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Asks the process to stop with SIGTERM, as an orchestrator does, and waits until it has.</summary>
    public async Task TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(wait.Token);
    }

    public bool HasExited => process.HasExited;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                // dotnet may have started children of its own; none may outlive the tests.
                process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // It was never started or has already gone.
        }
        finally
        {
            process.Dispose();
        }

        foreach (var dir in ownedDirectories)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing the run for.
            }
        }
    }

    /// <summary>
    /// The embedded model (models/tiny-shapes) when the checkout has it; else a copy of one fp32 test fixture, so the
    /// pages still get real images (random weights: noise, but a different noise per seed).
    /// </summary>
    private static string? FallbackModelsDirectory(string root)
    {
        if (File.Exists(Path.Combine(root, "models", "tiny-shapes", "model_index.json")))
        {
            return null;
        }

        var fixture = Path.Combine(root, "tests", "fixtures", "models", "fp32-ids-int64-timestep-float32-one");
        var models = Directory.CreateTempSubdirectory("studio-browser-models-").FullName;
        CopyDirectory(fixture, Path.Combine(models, FallbackModelName));
        return models;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            log.Enqueue(line);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The studio exited with code {process.ExitCode} before it was ready.{Environment.NewLine}{Log}");
            }

            try
            {
                using var response = await http.GetAsync("/healthz");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    // "degraded" means no model loaded: every generation would fail, so stop here with the reason.
                    if (health.RootElement.GetProperty("status").GetString() == "ok")
                    {
                        return;
                    }

                    throw new InvalidOperationException($"The studio started without a usable model: {last}{Environment.NewLine}{Log}");
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException e)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"/healthz did not answer OK within {StartTimeout.TotalSeconds} s (last: {last}).{Environment.NewLine}{Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
