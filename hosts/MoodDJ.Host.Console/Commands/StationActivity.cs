using System.Diagnostics;
using System.Globalization;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Station;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// The server's running account, one plain line per event (readable in a pipe and under systemd):
/// listeners joining and leaving, each new mood, each new track, and the egress rate every 10 s.
/// It samples what the station exposes (listeners, mood, now playing, counters) four times a second.
/// Why music cannot start (the director's warning) is printed once and sent to every client and
/// player as an error event, so a player says the cause instead of waiting in silence.
/// </summary>
internal sealed class StationActivity(StationServer station, string codec, bool encrypted, WarningTap musicWarnings, StationNames names)
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RateEvery = TimeSpan.FromSeconds(10);

    public async Task RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var listeners = new Dictionary<long, Listener>();
        MoodReading? mood = station.Mood;
        string? track = null;
        var paused = station.Paused;
        var prompts = names.Prompts;
        long? moodAt = null;
        var warnings = musicWarnings.Count;
        string? lastWarning = null;
        var warnedAt = 0L;
        var packets = station.Counters.PacketsSent;
        var rateAt = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(Sample);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var now = station.Listeners.Snapshot;
            foreach (var gone in listeners.Values.Where(l => Array.IndexOf(now, l) < 0).ToList())
            {
                listeners.Remove(gone.Id);
                var loss = gone.PacketsSent + gone.SendErrors == 0 ? 0 : 100.0 * gone.SendErrors / (gone.PacketsSent + gone.SendErrors);
                Line(output, $"listener {gone.Id}{Named(gone.Id)} left from {gone.EndPoint} after {Duration(DateTimeOffset.UtcNow - gone.Since)}, " +
                    $"{gone.PacketsSent} packets sent, {loss:0.#} % send errors ({listeners.Count} listening)");
            }
            foreach (var l in now)
                if (listeners.TryAdd(l.Id, l))
                    Line(output, $"listener {l.Id}{Named(l.Id)} joined from {l.EndPoint} ({listeners.Count} listening)");

            if (station.Paused != paused)
            {
                paused = station.Paused;
                Line(output, paused ? "paused (or stopped): listeners hear silence" : "playing again");
            }

            // A prompt is told once the station has logged who sent it (or 2 s after its mood, if it failed).
            if (!ReferenceEquals(station.Mood, mood) && station.Mood is { } reading)
            {
                moodAt ??= Stopwatch.GetTimestamp();
                var named = names.Prompts != prompts;
                if (named || Stopwatch.GetElapsedTime(moodAt.Value) > TimeSpan.FromSeconds(2))
                {
                    (mood, moodAt, prompts) = (reading, null, names.Prompts);
                    var from = named && names.LastPrompter is { } who ? $" from '{who}'" : "";
                    var because = reading.Evidence.Count == 0 ? "" : " because of " + string.Join(", ", reading.Evidence.Take(4).Select(e => $"\"{e.Text}\""));
                    Line(output, $"prompt{from}: mood {reading.Label.ToString().ToLowerInvariant()} (valence {F(reading.Valence)}, arousal {F(reading.Arousal)}){because}");
                }
            }

            var playing = station.NowPlaying();
            var title = playing.Track is { } t ? $"{t.Title}{(string.IsNullOrEmpty(t.Artist) ? "" : " — " + t.Artist)} [{t.Source}]" : null;
            if (title is not null && title != track)
                Line(output, $"now playing {title}");
            track = title;

            if (musicWarnings.Count != warnings && musicWarnings.Last is { } warning)
            {
                warnings = musicWarnings.Count;
                // The same warning repeats while the cause lasts: say it again at most every 30 s.
                if (warning != lastWarning || Stopwatch.GetElapsedTime(warnedAt) > TimeSpan.FromSeconds(30))
                {
                    (lastWarning, warnedAt) = (warning, Stopwatch.GetTimestamp());
                    Line(output, $"music: {warning}");
                    station.Control.Broadcast("error", new MoodDJ.Protocol.Messages.ErrorEvent(warning));
                }
            }

            if (Stopwatch.GetElapsedTime(rateAt) >= RateEvery)
            {
                var seconds = Stopwatch.GetElapsedTime(rateAt).TotalSeconds;
                var sent = station.Counters.PacketsSent;
                var rate = (sent - packets) / seconds;
                (packets, rateAt) = (sent, Stopwatch.GetTimestamp());
                Line(output, $"egress {rate:0} packets/s{Bitrate(rate)} to {now.Length} listener(s); {station.Counters.SendErrors} send errors so far");
            }
        }
    }

    /// <summary>L16 packets have a known size (header + samples + SRTP tag); other codecs vary, so only packets/s is shown.</summary>
    private string Bitrate(double packetsPerSecond)
    {
        if (!codec.Equals("L16", StringComparison.OrdinalIgnoreCase)) return "";
        var options = station.Options;
        var bytes = 12 + options.FrameSamplesPerChannel * options.Channels * 2 + (encrypted ? 10 : 0);
        return $" ≈ {packetsPerSecond * bytes * 8 / 1000:0} kbit/s";
    }

    private string Named(long id) => names.ListenerName(id) is { } name ? $" ('{name}')" : "";

    private static void Line(TextWriter output, string text)
    {
        output.WriteLine($"{DateTime.Now:HH:mm:ss} {text}");
        output.Flush();
    }

    private static string Duration(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
}
