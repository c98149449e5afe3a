using System.Diagnostics;
using System.Globalization;

namespace MoodDJ.Bench;

/// <summary>Starting, timing and stopping the programs written by others that the compare scenarios run.</summary>
internal static class BenchProcesses
{
    public static Process Start(string file, params string[] args) =>
        Process.Start(new ProcessStartInfo(file, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })
        ?? throw new InvalidOperationException($"{file} did not start");

    public static void Run(string file, params string[] args)
    {
        using var p = Start(file, args);
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {errors}");
    }

    /// <summary>CPU seconds the process has used, or 0 once it has gone.</summary>
    public static double Cpu(Process p)
    {
        try { p.Refresh(); return p.TotalProcessorTime.TotalSeconds; }
        catch (InvalidOperationException) { return 0; }
    }

    /// <summary>The first child of <paramref name="parent"/> (runuser's icecast2), waiting for it to appear.</summary>
    public static Process ChildOf(Process parent)
    {
        var path = $"/proc/{parent.Id}/task/{parent.Id}/children";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var children = File.Exists(path) ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
            if (children.Length > 0) return Process.GetProcessById(int.Parse(children[0], CultureInfo.InvariantCulture));
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"process {parent.Id} started no child");
    }

    /// <summary>SIGTERM (a background child ignores SIGINT), then a kill if it does not go.</summary>
    public static void Terminate(Process p)
    {
        try
        {
            if (!p.HasExited) Run("kill", "-TERM", p.Id.ToString(CultureInfo.InvariantCulture));
            if (!p.WaitForExit(3000)) p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        p.Dispose();
    }

    public static int FreeTcpPort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Writes 48 kHz stereo s16le into <paramref name="sink"/> in 20 ms chunks at real-time pace, looping, until cancelled or the reader goes.</summary>
    public static async Task FeedAsync(Stream sink, byte[] pcm, CancellationToken ct)
    {
        const int Chunk = 48000 * 2 * 2 / 50;
        try
        {
            var start = Stopwatch.GetTimestamp();
            for (long sent = 0; !ct.IsCancellationRequested; sent++)
            {
                var offset = (int)(sent * Chunk % (pcm.Length - pcm.Length % Chunk));
                await sink.WriteAsync(pcm.AsMemory(offset, Chunk), ct);
                await sink.FlushAsync(ct);
                var due = TimeSpan.FromMilliseconds((sent + 1) * 20) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }   // the reader went away
    }

    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
