using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StableDiffusion.Studio.BrowserTests.ScaleOut;

/// <summary>Runs a program to its end, or starts one in the background, keeping what it printed for failure messages.</summary>
public static class ServiceProcess
{
    /// <summary>
    /// PostgreSQL refuses to run as root; Debian's package makes a <c>postgres</c> user, and <c>runuser</c> (as root)
    /// starts the program as that user. Anyone else runs it as themselves.
    /// </summary>
    public static bool IsRoot => Environment.UserName == "root";

    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string? asUser = null)
    {
        using var process = new Process { StartInfo = Start(program, arguments, asUser) };
        process.Start();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{text}");
        }

        return text;
    }

    public static Process StartInBackground(string program, IEnumerable<string> arguments, ConcurrentQueue<string> log)
    {
        var process = new Process { StartInfo = Start(program, arguments, null) };
        process.OutputDataReceived += (_, e) => Keep(log, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static ProcessStartInfo Start(string program, IEnumerable<string> arguments, string? asUser)
    {
        var start = new ProcessStartInfo(asUser is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var argument in new[] { "-u", asUser, "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static void Keep(ConcurrentQueue<string> log, string? line)
    {
        if (line is not null)
        {
            log.Enqueue(line);
        }
    }
}
