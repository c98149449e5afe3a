namespace MoodDJ.Protocol.Messages;

// The parameters of the station's control methods (camelCase on the wire; docs/protocol.md,
// "Methods"). The server reads them by name and ignores members it does not know, so a newer
// client's extra members never break an older station. Null members are left out of the request.

/// <summary><c>hello</c>: who the client is, the resume token of an earlier session, and which station it wants (null: the default).</summary>
public sealed record HelloParams(string Client, string? ResumeToken = null, string? Station = null);

/// <summary><c>prompt</c>: the user's sentence.</summary>
public sealed record PromptParams(string Text);

/// <summary><c>seek</c>: seconds from the start of the current track.</summary>
public sealed record SeekParams(double Position);

/// <summary>
/// <c>subscribe</c>: the UDP port to receive the stream on, at <see cref="Host"/> (default: the
/// control connection's own address), or the multicast group when <see cref="Multicast"/> is true.
/// <see cref="Name"/> is how the station shows this listener (default: the client's name).
/// </summary>
public sealed record SubscribeParams(int Port, string? Host = null, bool? Multicast = null, string? Name = null, int? Relay = null)
{
    public static SubscribeParams ForMulticast() => new(0, Multicast: true);
}

/// <summary><c>unsubscribe</c>: the listener's token from its subscribe reply.</summary>
public sealed record UnsubscribeParams(string Token);

public sealed record UnsubscribeResult(bool Removed);

/// <summary><c>listenerJoined</c> and <c>listenerLeft</c>: one listener of the station (<see cref="Reason"/> says why it left).</summary>
public sealed record ListenerEvent(string Name, string Address, int Count, string? Reason = null);

/// <summary>
/// <c>setVolume</c>: the volume (0–100) and mute of every listener named <see cref="Listener"/>.
/// The station tells the client holding each one (the <c>volume</c> notification) and that
/// client's player applies it, so the station still sends one stream per listener untouched.
/// </summary>
public sealed record SetVolumeParams(string Listener, int Volume, bool? Muted = null);

/// <summary>How many listeners had that name (and were told).</summary>
public sealed record SetVolumeResult(int Listeners);

/// <summary>
/// A player's reception so far (counts since it subscribed), sent every few seconds so the station
/// can show each listener's loss and buffer.
/// </summary>
public sealed record ReportParams(string Token, long Received, long Lost, long Late, int BufferedMs, int TargetMs, MeshReportDto? Mesh = null);

public sealed record ReportResult(bool Known);

/// <summary><c>volume</c>: the player holding the listener with <see cref="Token"/> plays at <see cref="Volume"/> % (silent when muted).</summary>
public sealed record VolumeEvent(string Listener, string Token, int Volume, bool Muted);

/// <summary><c>talk</c>: encoded voice frames (base64, the station's codec and format, in order); <c>End</c> once the talker lets go.</summary>
public sealed record TalkParams(string[]? Frames, bool End = false);

/// <summary>How many of the frames were taken, and how many people are talking now.</summary>
public sealed record TalkResult(int Accepted, int Talking);

/// <summary><c>catalog</c>: a mood in words (default: the station's present mood) and how many tracks per source (1..100, default 20).</summary>
public sealed record CatalogParams(string? Mood = null, int? Count = null);

/// <summary>The mood the catalog was listed for and the tracks, source by source.</summary>
public sealed record CatalogResult(MoodDto? Mood, IReadOnlyList<TrackDto> Tracks);

/// <summary><c>play</c>: a track by its source and id (as catalog or list gave them), from <c>Position</c> seconds.</summary>
public sealed record PlayParams(string Source, string Id, double? Position = null);
