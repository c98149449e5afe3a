using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Host.Web;

namespace MoodDJ.Web.Tests;

/// <summary>
/// The real web host on a real socket (127.0.0.1), started the way Program.cs starts it, with the
/// station in-process on free loopback ports and its output plugin set to null.
/// </summary>
public sealed class WebHostRunner : IAsyncDisposable
{
    private WebApplication? _app;

    private readonly string[] _extra;
    // Rooms and chat keep their own database per runner (kept across RestartAsync, as a server's is).
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"mooddj-web-test-{Guid.NewGuid():N}.db");

    private WebHostRunner(int port, string[] extra)
    {
        Port = port;
        _extra = extra;
    }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>The running host's services (its engine and station link), for tests that join its station from beside the page.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host is not running.");

    /// <summary>Starts a host; <paramref name="port"/> 0 takes a free one (restart on the same port with <see cref="RestartAsync"/>).</summary>
    public static async Task<WebHostRunner> StartAsync(int port = 0, string[]? settings = null)
    {
        var runner = new WebHostRunner(port, settings ?? []);
        await runner.StartAppAsync();
        return runner;
    }

    private async Task StartAppAsync()
    {
        _app = WebHostApp.Build(
        [
            "--urls", $"http://127.0.0.1:{Port}",
            "--station:bind=127.0.0.1", "--station:controlPort=0", "--station:streamPort=0", "--station:heartbeatPort=0",
            "--station:resumeLastMood=false", "--use:audioOutput=null", $"--storage:path={_database}", .. _extra,
        ]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    /// <summary>Stops the host (the page loses its WebSocket).</summary>
    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Starts a new host on the same port, as a restarted server would be.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await StartAppAsync();
                return;
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(250); // the old socket may linger a moment
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
            try { File.Delete(file); } catch (IOException) { }
    }
}
