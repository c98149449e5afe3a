using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// The server's running account, one plain line per event (readable in a pipe and under systemd):
/// listeners joining and leaving and each prompt (from the station's own in-process events, with
/// who sent it), each new track, pauses, and the egress rate every 10 s (sampled four times a second).
/// Events are queued and written by the sampling loop, so a slow stdout never holds up the station.
/// Why music cannot start (the director's warnings) is printed here, once, and sent to every client and
/// player as an error event, so a player says the cause instead of waiting in silence.
/// </summary>
internal sealed class StationActivity(StationServer station, string codec, bool encrypted, WarningTap musicWarnings)
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RateEvery = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<string> _events = new();

    public async Task RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var stations = station.Router.Stations.ToArray();
        foreach (var s in stations)
        {
            s.ListenerJoined += OnJoined;
            s.ListenerLeft += OnLeft;
            s.Prompted += OnPrompted;
            s.Talked += OnTalked;
        }
        // A mood resumed from the last run may have been set before these events were watched.
        if (station.Mood is { } resumed)
            _events.Enqueue($"mood {resumed.Label.ToString().ToLowerInvariant()} (resumed from the last run)");
        try
        {
            await SampleAsync(output, cancellationToken);
        }
        finally
        {
            foreach (var s in stations)
            {
                s.ListenerJoined -= OnJoined;
                s.ListenerLeft -= OnLeft;
                s.Prompted -= OnPrompted;
                s.Talked -= OnTalked;
            }
            Flush(output);
        }
    }

    private void OnJoined(Listener listener, ListenerEvent e) =>
        _events.Enqueue($"listener {e.Name} joined from {e.Address} ({e.Count} listening)");

    private void OnLeft(Listener listener, ListenerEvent e)
    {
        var loss = listener.PacketsSent + listener.SendErrors == 0 ? 0 : 100.0 * listener.SendErrors / (listener.PacketsSent + listener.SendErrors);
        var why = e.Reason switch { "left" => "it said goodbye", null => "?", var other => other };
        _events.Enqueue($"listener {e.Name} left ({why}) from {e.Address} after {Duration(DateTimeOffset.UtcNow - listener.Since)}, " +
            $"{listener.PacketsSent} packets sent, {loss:0.#} % send errors{Reception(listener)} ({e.Count} listening)");
    }

    private void OnTalked(string client, bool started) =>
        _events.Enqueue(started ? $"'{client}' talks over the music (ducked)" : $"'{client}' let go; the music comes back");

    private void OnPrompted(PromptEvent prompt)
    {
        var reading = prompt.Mood;
        var because = reading.Evidence.Count == 0 ? "" : " because of " + string.Join(", ", reading.Evidence.Take(4).Select(e => $"\"{e.Text}\""));
        _events.Enqueue($"prompt from '{prompt.Client}': mood {reading.Label.ToString().ToLowerInvariant()} (valence {F(reading.Valence)}, arousal {F(reading.Arousal)}){because}");
    }

    private void Flush(TextWriter output)
    {
        while (_events.TryDequeue(out var line))
            Line(output, line);
    }

    private async Task SampleAsync(TextWriter output, CancellationToken cancellationToken)
    {
        string? track = null;
        var paused = station.Paused;
        string? lastWarning = null;
        var warnedAt = 0L;
        var packets = station.Counters.PacketsSent;
        var rateAt = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(Sample);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Flush(output);
            var now = station.Listeners.Snapshot;
            if (station.Paused != paused)
            {
                paused = station.Paused;
                Line(output, paused ? "paused (or stopped): listeners hear silence" : "playing again");
            }

            var playing = station.NowPlaying();
            var title = playing.Track is { } t ? $"{t.Title}{(string.IsNullOrEmpty(t.Artist) ? "" : " — " + t.Artist)} [{t.Source}]" : null;
            if (title is not null && title != track)
                Line(output, $"now playing {title}");
            track = title;

            // Every warning, in order (the console logger leaves these out, so this is where they show).
            while (musicWarnings.TryTake(out var warning))
            {
                // The same warning repeats while the cause lasts: say it again at most every 30 s.
                if (warning != lastWarning || Stopwatch.GetElapsedTime(warnedAt) > TimeSpan.FromSeconds(30))
                {
                    (lastWarning, warnedAt) = (warning, Stopwatch.GetTimestamp());
                    Line(output, $"music: {warning}");
                    station.Control.Broadcast(StationMethods.Error, new ErrorEvent(warning));
                }
            }

            if (Stopwatch.GetElapsedTime(rateAt) >= RateEvery)
            {
                var seconds = Stopwatch.GetElapsedTime(rateAt).TotalSeconds;
                var sent = station.Counters.PacketsSent;
                var rate = (sent - packets) / seconds;
                (packets, rateAt) = (sent, Stopwatch.GetTimestamp());
                Line(output, $"egress {rate:0} packets/s{Bitrate(rate)} to {now.Length} listener(s); {station.Counters.SendErrors} send errors so far");
                var peers = Array.FindAll(now, l => l.Mesh is not null);
                if (peers.Length > 0)
                    Line(output, $"mesh: {peers.Length} peer(s), {Array.FindAll(peers, l => l.Mesh!.Direct).Length}/{station.Options.MaxDirectPeers} fed by the server");
                foreach (var listener in now)
                    if (listener.Report is { } report)
                        Line(output, $"  {listener.Name}: {report}{Mesh(listener)}");
            }
        }
    }

    /// <summary>A relaying peer's place in the mesh, from its last report.</summary>
    private static string Mesh(Listener listener)
    {
        if (listener.Mesh is not { } mesh) return "";
        var r = mesh.Report;
        var parents = mesh.Direct ? "the server" : r is null || r.Parents.Count == 0 ? "none" : string.Join(",", r.Parents);
        return $"; parents {parents}, children {r?.Children ?? 0}, hops {mesh.Hops}, continuity {100 * (r?.Continuity ?? 0):0.00} %, forged {r?.Forged ?? 0}";
    }

    /// <summary>", player reports loss 0.2 %, …" when the listener's player reported its reception.</summary>
    private static string Reception(Listener listener) => listener.Report is { } report ? $", player reports {report}" : "";

    /// <summary>L16 packets have a known size (header + samples + SRTP tag); other codecs vary, so only packets/s is shown.</summary>
    private string Bitrate(double packetsPerSecond)
    {
        if (!codec.Equals("L16", StringComparison.OrdinalIgnoreCase)) return "";
        var options = station.Options;
        var bytes = 12 + options.FrameSamplesPerChannel * options.Channels * 2 + (encrypted ? 10 : 0);
        return $" ≈ {packetsPerSecond * bytes * 8 / 1000:0} kbit/s";
    }

    private static void Line(TextWriter output, string text)
    {
        output.WriteLine($"{DateTime.Now:HH:mm:ss} {text}");
        output.Flush();
    }

    private static string Duration(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
}
