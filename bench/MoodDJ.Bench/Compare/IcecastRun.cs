using System.Diagnostics;
using System.Globalization;

namespace MoodDJ.Bench;

/// <summary>
/// One fanout-compare measurement of Icecast: ffmpeg encodes the PCM to Ogg/Opus in 20 ms pages and
/// pushes it to an icecast2 mount; N HTTP receivers in a child process read it. Icecast refuses root,
/// so it runs as the icecast2 user through runuser, with its config in a temporary folder.
/// </summary>
internal static class IcecastRun
{
    private const string Password = "mooddj-bench-source";

    public static string? Unavailable() =>
        !File.Exists("/usr/bin/icecast2") ? "apt-get install icecast2"
        : Environment.UserName != "root" ? "running icecast2 as its own user needs root"
        : null;

    public static async Task<ComparedRow> MeasureAsync(byte[] pcm, int clients, double seconds, int bitrate)
    {
        var dir = Directory.CreateTempSubdirectory("mooddj-icecast-");
        File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_111_111);
        var port = BenchProcesses.FreeTcpPort();
        File.WriteAllText(Path.Combine(dir.FullName, "icecast.xml"), $"""
            <icecast>
              <location>bench</location><admin>bench@localhost</admin><hostname>127.0.0.1</hostname>
              <limits><clients>{clients + 10}</clients><sources>2</sources><queue-size>524288</queue-size><client-timeout>30</client-timeout>
                <header-timeout>15</header-timeout><source-timeout>10</source-timeout><burst-size>16384</burst-size></limits>
              <authentication><source-password>{Password}</source-password><relay-password>{Password}</relay-password>
                <admin-user>admin</admin-user><admin-password>{Password}</admin-password></authentication>
              <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
              <paths><basedir>/usr/share/icecast2</basedir><logdir>{dir.FullName}</logdir><webroot>/usr/share/icecast2/web</webroot>
                <adminroot>/usr/share/icecast2/admin</adminroot></paths>
              <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
              <security><chroot>0</chroot></security>
            </icecast>
            """);
        using var stop = new CancellationTokenSource();
        Process? runuser = null, encoder = null;
        Task? feeder = null;
        try
        {
            runuser = BenchProcesses.Start("runuser", "-u", "icecast2", "--", "/usr/bin/icecast2", "-c", Path.Combine(dir.FullName, "icecast.xml"));
            var server = BenchProcesses.ChildOf(runuser);
            await WaitForHttpAsync(port);
            encoder = BenchProcesses.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", "48000", "-ac", "2", "-i", "pipe:0",
                "-c:a", "libopus", "-b:a", bitrate.ToString(CultureInfo.InvariantCulture), "-frame_duration", "20", "-page_duration", "20000",
                "-content_type", "audio/ogg", "-f", "ogg", $"icecast://source:{Password}@127.0.0.1:{port}/bench.opus");
            feeder = Task.Run(() => BenchProcesses.FeedAsync(encoder.StandardInput.BaseStream, pcm, stop.Token));
            await Task.Delay(1500);   // the mount exists once ffmpeg has connected
            using var receivers = ReceiverProcess.StartHttp(clients, $"http://127.0.0.1:{port}/bench.opus");
            await Task.Delay(ComparedRow.WarmUp);

            var (cpu0, bytes0, rxCpu0) = (BenchProcesses.Cpu(server), receivers.Count().Bytes, receivers.Cpu.TotalSeconds);
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var (cpu1, bytes1, rxCpu1) = (BenchProcesses.Cpu(server), receivers.Count().Bytes, receivers.Cpu.TotalSeconds);
            return ComparedRow.From(clients, watch.Elapsed.TotalSeconds, cpu1 - cpu0, bytes1 - bytes0, rxCpu1 - rxCpu0);
        }
        finally
        {
            stop.Cancel();
            if (feeder is not null) await feeder.ContinueWith(_ => { });
            if (encoder is not null) BenchProcesses.Terminate(encoder);
            if (runuser is not null) BenchProcesses.Terminate(runuser);   // runuser passes SIGTERM on to icecast2
            dir.Delete(true);
        }
    }

    private static async Task WaitForHttpAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; ; attempt++)
        {
            try { (await http.GetAsync($"http://127.0.0.1:{port}/status-json.xsl")).EnsureSuccessStatusCode(); return; }
            catch (Exception) when (attempt < 100) { await Task.Delay(100); }
        }
    }
}
