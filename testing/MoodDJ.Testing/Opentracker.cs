using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Testing;

/// <summary>
/// opentracker in a temporary folder it chroots to. Debian builds it with a whitelist, so the test's
/// info-hashes are listed there; it drops root to "nobody" as it does by default.
/// </summary>
public sealed class Opentracker : IAsyncDisposable
{
    public const string Binary = "/usr/bin/opentracker";

    /// <summary>Why a test cannot run here (opentracker missing), or null.</summary>
    public static string? Missing => File.Exists(Binary) ? null : $"{Binary} is not installed (apt-get install opentracker; test.sh does).";

    private readonly Process _process;
    private readonly string _folder;

    private Opentracker(Process process, string folder, IPEndPoint endPoint)
    {
        _process = process;
        _folder = folder;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<Opentracker> StartAsync(IEnumerable<InfoHash> whitelist)
    {
        var folder = Directory.CreateTempSubdirectory("mooddj-opentracker-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101); // readable after it drops root
        File.WriteAllLines(Path.Combine(folder, "whitelist.txt"), whitelist.Select(h => h.ToString()));
        File.WriteAllText(Path.Combine(folder, "opentracker.conf"), $"access.whitelist whitelist.txt\ntracker.rootdir {folder}\n");
        var port = FreeUdpPort();
        var info = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-i", "127.0.0.1", "-p", port.ToString(), "-P", port.ToString(), "-f", Path.Combine(folder, "opentracker.conf"), "-d", folder })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("opentracker did not start");
        var tracker = new Opentracker(process, folder, new IPEndPoint(IPAddress.Loopback, port));
        // Ready when it answers a connect.
        using var probe = new UdpTrackerClient(tracker.EndPoint, new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 6 });
        try
        {
            await probe.ConnectAsync();
        }
        catch (TrackerException e)
        {
            await tracker.DisposeAsync();
            throw new InvalidOperationException($"opentracker never answered: {e.Message}\n{await process.StandardError.ReadToEndAsync()}");
        }
        return tracker;
    }

    private static int FreeUdpPort()
    {
        // TCP and UDP both on the port: pick one free for both.
        for (int i = 0; i < 20; i++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { tcp.Bind(new IPEndPoint(IPAddress.Loopback, port)); return port; }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("no free port");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill!.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _process.Kill(); }
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
