using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace StableDiffusion.Studio.BrowserTests.Infrastructure;

/// <summary>
/// A TCP relay between one browser and the studio that a test can cut and restore: a real network drop. Chromium's
/// offline emulation leaves an open WebSocket running, so it cannot take a Blazor circuit's connection down.
/// </summary>
public sealed class NetworkLink : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Uri target;
    private readonly ConcurrentDictionary<TcpClient, byte> open = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private volatile bool down;

    public NetworkLink(Uri target)
    {
        this.target = target;
        listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    /// <summary>Where the browser goes to reach the studio through this link.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Drops every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        down = true;
        foreach (var client in open.Keys)
        {
            client.Dispose();
        }
    }

    public void Restore() => down = false;

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient browser;
            try
            {
                browser = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (down)
            {
                browser.Dispose();
                continue;
            }

            _ = RelayAsync(browser);
        }
    }

    private async Task RelayAsync(TcpClient browser)
    {
        using var server = new TcpClient();
        open[browser] = 0;
        open[server] = 0;
        try
        {
            await server.ConnectAsync(target.Host, target.Port);
            var browserStream = browser.GetStream();
            var serverStream = server.GetStream();
            await Task.WhenAny(browserStream.CopyToAsync(serverStream, stopping.Token), serverStream.CopyToAsync(browserStream, stopping.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The cut, or either side hanging up.
        }
        finally
        {
            open.TryRemove(browser, out _);
            open.TryRemove(server, out _);
            browser.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Cut();
        await accepting;
        stopping.Dispose();
    }
}
