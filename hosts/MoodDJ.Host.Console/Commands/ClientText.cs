using System.Globalization;
using MoodDJ.Protocol.Messages;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>How `mooddj client` shows /status and /list (markup lines), and reads a /seek time.</summary>
internal static class ClientText
{
    public static IEnumerable<string> Status(StatusResult status)
    {
        yield return $"state [bold]{Markup.Escape(status.State)}[/]  listeners {status.Listeners}  codec {Markup.Escape(status.Codec)}  " +
                     $"encrypted {(status.Encrypted ? "true" : "false")}";
        yield return "now playing " + StationText.NowPlaying(status.NowPlaying);
    }

    public static IEnumerable<string> List(ListResult list)
    {
        yield return "now playing " + StationText.Track(list.NowPlaying);
        foreach (var line in Tracks("queue", list.Queue)) yield return line;
        foreach (var line in Tracks("history", list.History)) yield return line;
    }

    private static IEnumerable<string> Tracks(string title, IReadOnlyList<TrackDto>? tracks)
    {
        if (tracks is null || tracks.Count == 0)
        {
            yield return $"{title}: [grey]empty[/]";
            yield break;
        }
        yield return $"{title}:";
        for (var i = 0; i < tracks.Count; i++)
            yield return $"  {i + 1}. {StationText.Track(tracks[i])}";
    }

    /// <summary>"90", "90.5", "1:30", "1:02:03" → seconds.</summary>
    public static bool TryParseTime(string text, out double seconds)
    {
        seconds = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split(':');
        if (parts.Length > 3) return false;
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || !double.IsFinite(value))
                return false;
            seconds = seconds * 60 + value;
        }
        return parts.Length == 1 || parts.Skip(1).All(p => double.Parse(p, CultureInfo.InvariantCulture) < 60);
    }
}
