using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Audio.Tests;

/// <summary>
/// Debian's icecast2 on 127.0.0.1 and a free port, with its config and logs in a temporary folder. Icecast
/// refuses to run as root, so it runs as the icecast2 user (runuser). Stopped with SIGTERM.
/// </summary>
internal sealed class IcecastServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/icecast2";
    public const string Password = "mooddj-test-source";
    private readonly string _folder;
    private Process? _process;

    private IcecastServer(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public static string? Unavailable() =>
        !File.Exists(Binary) ? "icecast2 is not installed (test.sh installs it)"
        : Environment.UserName != "root" && Environment.UserName != "icecast2" ? "starting icecast2 as its own user needs root"
        : null;

    public static async Task<IcecastServer> StartAsync()
    {
        string folder = Directory.CreateTempSubdirectory("mooddj-icecast-").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        var server = new IcecastServer(folder, FreePort());
        await File.WriteAllTextAsync(Path.Combine(folder, "icecast.xml"), $"""
            <icecast>
              <location>test</location><admin>test@localhost</admin><hostname>127.0.0.1</hostname>
              <limits><clients>50</clients><sources>4</sources><queue-size>524288</queue-size><client-timeout>30</client-timeout>
                <header-timeout>15</header-timeout><source-timeout>5</source-timeout><burst-size>8192</burst-size></limits>
              <authentication><source-password>{Password}</source-password><relay-password>{Password}</relay-password>
                <admin-user>admin</admin-user><admin-password>{Password}</admin-password></authentication>
              <listen-socket><port>{server.Port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
              <fileserve>1</fileserve>
              <paths><basedir>/usr/share/icecast2</basedir><logdir>{folder}</logdir><webroot>/usr/share/icecast2/web</webroot>
                <adminroot>/usr/share/icecast2/admin</adminroot></paths>
              <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
              <security><chroot>0</chroot></security>
            </icecast>
            """);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Starts (or starts again, on the same port) and waits until it answers HTTP.</summary>
    public async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["-u", "icecast2", "--", Binary, "-c", Path.Combine(_folder, "icecast.xml")]) info.ArgumentList.Add(arg);
        _process = Process.Start(info)!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (int attempt = 0; ; attempt++)
        {
            try { (await http.GetAsync($"http://127.0.0.1:{Port}/status-json.xsl")).EnsureSuccessStatusCode(); return; }
            catch (Exception) when (attempt < 100 && !_process.HasExited) { await Task.Delay(100); }
            catch (Exception e) { throw new InvalidOperationException($"icecast2 did not start: {e.Message}\n{Log()}"); }
        }
    }

    public async Task StopProcessAsync()
    {
        if (_process is null || _process.HasExited) return;
        // runuser passes SIGTERM on to icecast2.
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
    }

    public string Log() => File.Exists(Path.Combine(_folder, "error.log")) ? File.ReadAllText(Path.Combine(_folder, "error.log")) : "(no error.log)";

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        _process?.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
