using System.Diagnostics;
using System.Net;
using MoodDJ.Plugins.LanDiscovery;

namespace MoodDJ.Peers.Tests.Discovery;

/// <summary>
/// Debian's avahi sees a MoodDJ announcement: a private D-Bus and an avahi-daemon limited to the loopback
/// interface (so nothing leaves the host), then `avahi-browse -rtp _mooddj._udp`. Both daemons are stopped with SIGTERM.
/// </summary>
public sealed class AvahiTests
{
    private const string Swarm = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";

    [AvahiFact(Timeout = 90000)]
    public async Task Avahi_browse_resolves_a_mooddj_announcement()
    {
        var folder = Directory.CreateTempSubdirectory("mooddj-avahi-").FullName;
        try
        {
            var bus = Path.Combine(folder, "bus");
            File.WriteAllText(Path.Combine(folder, "bus.conf"), $"""
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig><type>system</type><listen>unix:path={bus}</listen><auth>EXTERNAL</auth>
                <policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/></policy></busconfig>
                """);
            File.WriteAllText(Path.Combine(folder, "avahi.conf"), """
                [server]
                use-ipv4=yes
                use-ipv6=no
                allow-interfaces=lo
                enable-dbus=yes
                [wide-area]
                enable-wide-area=no
                [publish]
                publish-addresses=no
                publish-hinfo=no
                publish-workstation=no
                publish-domain=no
                """);
            var env = new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = $"unix:path={bus}" };
            await using var dbus = Daemon.Start("dbus-daemon", ["--config-file", Path.Combine(folder, "bus.conf"), "--nofork"], env);
            for (int i = 0; i < 50 && !File.Exists(bus); i++) await Task.Delay(100);
            await using var avahi = Daemon.Start("avahi-daemon", ["-f", Path.Combine(folder, "avahi.conf"), "--no-drop-root", "--no-chroot"], env);
            await avahi.WaitForAsync("Server startup complete");

            await using var lan = new LanPeerDiscovery(new LanDiscoverySettings { Interface = "127.0.0.1", Port = 5353 });
            await lan.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7400));

            string output = "";
            for (int attempt = 0; attempt < 5 && !output.Contains($"swarm={Swarm}"); attempt++)
            {
                using var browse = Process.Start(Daemon.Info("avahi-browse", ["-rtp", "_mooddj._udp"], env))!;
                output = await browse.StandardOutput.ReadToEndAsync();
                await browse.WaitForExitAsync();
            }
            var resolved = output.Split('\n').FirstOrDefault(l => l.StartsWith("=;lo;IPv4;mooddj-", StringComparison.Ordinal));
            Assert.True(resolved is not null, $"avahi-browse did not resolve the service:\n{output}\n{avahi.Output}");
            Assert.Contains(";_mooddj._udp;local;", resolved);
            Assert.Contains(";127.0.0.1;7400;", resolved);
            Assert.Contains($"\"swarm={Swarm}\"", resolved);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A background program with its output collected, stopped with SIGTERM.</summary>
    private sealed class Daemon : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        private Daemon(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output { get { lock (_output) return _output.ToString(); } }

        public static ProcessStartInfo Info(string program, string[] args, IReadOnlyDictionary<string, string> env)
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            foreach (var (k, v) in env) info.Environment[k] = v;
            return info;
        }

        public static Daemon Start(string program, string[] args, IReadOnlyDictionary<string, string> env) =>
            new(Process.Start(Info(program, args, env)) ?? throw new InvalidOperationException($"{program} did not start"));

        public async Task WaitForAsync(string text)
        {
            for (int i = 0; i < 200 && !Output.Contains(text); i++)
            {
                if (_process.HasExited) break;
                await Task.Delay(50);
            }
            if (!Output.Contains(text)) throw new Xunit.Sdk.XunitException($"'{text}' never appeared:\n{Output}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill!.WaitForExitAsync();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await _process.WaitForExitAsync(wait.Token); } catch (OperationCanceledException) { _process.Kill(); }
            }
            _process.Dispose();
        }
    }
}

/// <summary>Runs where avahi-daemon, avahi-browse and dbus-daemon are installed, we are root (avahi wants its pid file in /run), and lo has multicast.</summary>
public sealed class AvahiFactAttribute : FactAttribute
{
    public AvahiFactAttribute()
    {
        string[] needed = ["/usr/sbin/avahi-daemon", "/usr/bin/avahi-browse", "/usr/bin/dbus-daemon"];
        if (needed.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            Skip = $"{missing} is not installed (apt-get install avahi-daemon avahi-utils dbus; test.sh does).";
        else if (Environment.UserName != "root")
            Skip = "avahi-daemon needs root here (its pid file lives in /run/avahi-daemon).";
        else if (new LoopbackMulticastFactAttribute().Skip is { } reason)
            Skip = reason;
        else if (File.Exists("/run/avahi-daemon/pid") && int.TryParse(File.ReadAllText("/run/avahi-daemon/pid").Trim(), out var pid) && Directory.Exists($"/proc/{pid}"))
            Skip = "an avahi-daemon already runs on this machine (/run/avahi-daemon/pid); the test starts its own, limited to lo.";
    }
}
