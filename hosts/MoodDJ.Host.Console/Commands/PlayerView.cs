using System.Diagnostics;
using System.Text.Json;
using MoodDJ.Client;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// What `mooddj player` shows: now playing with a position that moves (and jumps on a seek), the
/// station's own error reports, and the stream's stats — as a live table on a terminal, or as
/// plain lines (one per event, one stats line every few seconds) in a pipe or a log.
/// </summary>
internal sealed class PlayerView
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _events = new();
    private JsonElement? _now;
    private long _nowAt;

    /// <summary>The last error the station reported (e.g. no music for the mood), if any.</summary>
    public string? StationError { get; private set; }

    public void OnNotification(StationNotification notification)
    {
        switch (notification.Method)
        {
            case "nowPlaying":
                var before = Title();
                SetNowPlaying(notification.Params);
                var after = Title();
                if (after != before) Event("now playing " + Plain(StationText.NowPlaying(notification.Params)));
                break;
            case "error":
                StationError = StationText.Text(notification.Params, "message") ?? "?";
                Event("the station says: " + StationError);
                break;
        }
    }

    public void SetNowPlaying(JsonElement now)
    {
        lock (_gate)
        {
            _now = now.Clone();
            _nowAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// A fresh now-playing from a status poll: the station does not announce seeks, so a position
    /// that is far from where this view expected it is shown as a seek.
    /// </summary>
    public void Refresh(JsonElement now)
    {
        double? expected;
        string? before;
        lock (_gate) (expected, before) = (Position(), Title());
        SetNowPlaying(now);
        double? actual;
        lock (_gate) actual = Position();
        if (before is not null && before == Title() && expected is { } e && actual is { } a && Math.Abs(a - e) > 2.5)
            Event($"seek to {StationText.Clock(a)}");
    }

    /// <summary>Where the track is now, by the last report plus the time since (null when nothing plays).</summary>
    private double? Position()
    {
        if (_now is not { } now || StationText.Member(now, "positionSeconds") is not { ValueKind: JsonValueKind.Number } p) return null;
        var paused = StationText.Member(now, "paused") is { ValueKind: JsonValueKind.True };
        return p.GetDouble() + (paused ? 0 : Stopwatch.GetElapsedTime(_nowAt).TotalSeconds);
    }

    private string? Title()
    {
        lock (_gate)
            return _now is { } now && StationText.Member(now, "track") is { } t ? StationText.Text(t, "id") ?? StationText.Text(t, "title") : null;
    }

    internal void Event(string line)
    {
        lock (_gate)
        {
            _events.Enqueue($"{DateTime.Now:HH:mm:ss} {line}");
            while (_events.Count > 20) _events.Dequeue();
        }
    }

    /// <summary>Now playing as markup, the position advanced by the time since the station said it.</summary>
    public string NowPlaying()
    {
        lock (_gate)
        {
            if (_now is not { } now || StationText.Member(now, "track") is not { ValueKind: JsonValueKind.Object } track)
                return "[grey]nothing yet[/]";
            var paused = StationText.Member(now, "paused") is { ValueKind: JsonValueKind.True };
            var text = StationText.Track(track);
            if (StationText.Member(now, "positionSeconds") is { ValueKind: JsonValueKind.Number } p)
            {
                var position = p.GetDouble() + (paused ? 0 : Stopwatch.GetElapsedTime(_nowAt).TotalSeconds);
                if (StationText.Member(track, "durationSeconds") is { ValueKind: JsonValueKind.Number } d)
                    position = Math.Min(position, d.GetDouble());
                text += $" at {StationText.Clock(position)}";
            }
            if (paused) text += " [yellow](paused)[/]";
            if (StationText.Member(now, "mood") is { ValueKind: JsonValueKind.Object } m)
                text += $" [grey]· mood {Markup.Escape(StationText.Text(m, "label") ?? "?")}[/]";
            return text;
        }
    }

    /// <summary>The relay of `mooddj peer` (null for a plain player).</summary>
    public MoodDJ.Peers.Mesh.MeshRelay? Relay { get; set; }

    /// <summary>Parents, children, hops and what the relay forwarded and dropped, in one line.</summary>
    private long _forwarded, _forwardedAt = Stopwatch.GetTimestamp();
    private double _egress;

    private string MeshLine()
    {
        var m = Relay!.Stats;
        var seconds = Stopwatch.GetElapsedTime(_forwardedAt).TotalSeconds;
        if (seconds >= 1)
        {
            (_egress, _forwarded, _forwardedAt) = ((m.Forwarded - _forwarded) / seconds, m.Forwarded, Stopwatch.GetTimestamp());
        }
        var report = Relay.DescribeMesh();
        var parents = m.Direct ? "the station" : m.Parents == 0 ? "none (looking)" : string.Join(", ", Relay.ParentIds);
        return $"parents {parents} · children {m.Children} · hops {m.Hops} · continuity {100 * (report?.Continuity ?? 0):0.00} % · egress {_egress:0} packets/s · forged {m.Forged:N0}";
    }

    public Table Render(StationPlayer player, StationClient client)
    {
        var s = player.Stats;
        var sub = player.Subscription;
        var total = Math.Max(1, s.Received + s.Lost);
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumns("", "");
        table.AddRow("station", $"{Markup.Escape(client.State.ToString())}{(client.Reconnects > 0 ? $" [grey](reconnected {client.Reconnects}×)[/]" : "")}");
        table.AddRow("stream", sub is null ? "[grey]subscribing…[/]"
            : Markup.Escape($"UDP {sub.Port} · {sub.Codec} {sub.SampleRate} Hz {sub.Channels} ch · {(sub.Srtp is null ? "RTP (clear)" : "SRTP")} · subscribed {player.Subscriptions}×"));
        table.AddRow("now playing", NowPlaying());
        if (StationError is { } error)
            table.AddRow("[red]station error[/]", Markup.Escape(error));
        table.AddRow("received", $"{s.Received:N0} packets");
        table.AddRow("lost", $"{s.Lost:N0} ({100.0 * s.Lost / total:0.00} %)");
        table.AddRow("late / duplicate", $"{s.Late:N0} / {s.Duplicates:N0}");
        table.AddRow("concealed / underruns", $"{s.Concealed:N0} / {s.Underruns:N0}");
        table.AddRow("buffer", $"{s.Buffered.TotalMilliseconds:0} ms (target {s.Target.TotalMilliseconds:0} ms)");
        if (s.Junk + s.Unauthenticated > 0)
            table.AddRow("dropped", $"{s.Junk:N0} junk, {s.Unauthenticated:N0} failed SRTP");
        if (Relay is not null)
            table.AddRow("mesh", Markup.Escape(MeshLine()));
        return table;
    }

    /// <summary>Plain lines for pipes and logs: each event as it happens, a stats line every 5 s.</summary>
    public async Task PrintLinesAsync(IAnsiConsole console, StationPlayer player, Task playing)
    {
        var next = Stopwatch.GetTimestamp();
        while (!playing.IsCompleted)
        {
            await Task.WhenAny(playing, Task.Delay(250, CancellationToken.None));
            FlushEvents(console);
            if (Stopwatch.GetTimestamp() < next) continue;
            next = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
            var s = player.Stats;
            var total = Math.Max(1, s.Received + s.Lost);
            console.WriteLine($"{DateTime.Now:HH:mm:ss} {Plain(NowPlaying())} · received {s.Received}, lost {100.0 * s.Lost / total:0.0} %, buffer {s.Buffered.TotalMilliseconds:0} ms"
                + (Relay is null ? "" : " · " + MeshLine()));
        }
        FlushEvents(console);
    }

    private void FlushEvents(IAnsiConsole console)
    {
        lock (_gate)
            while (_events.TryDequeue(out var line))
                console.WriteLine(line);
    }

    /// <summary>Markup without its tags (for plain lines).</summary>
    internal static string Plain(string markup) => Markup.Remove(markup);
}
