using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Protocol;

namespace MoodDJ.Protocol.Messages;

// The JSON shapes of the station's control methods and events (camelCase on the wire; see
// docs/protocol.md, "Methods"). Plain records, so adding a member never breaks an old client.

public sealed record MoodDto(string Label, double Valence, double Arousal, double Confidence, IReadOnlyList<MoodEvidenceDto> Evidence)
{
    public static MoodDto? From(MoodReading? reading) => reading is null ? null : new(
        reading.Label.ToString().ToLowerInvariant(), reading.Valence, reading.Arousal, reading.Confidence,
        reading.Evidence.Select(e => new MoodEvidenceDto(e.Text, e.Valence, e.Arousal, e.Note)).ToArray());
}

public sealed record MoodEvidenceDto(string Text, double Valence, double Arousal, string Note);

public sealed record TrackDto(string Source, string Id, string Title, string Artist, double? DurationSeconds, double Valence, double Arousal, IReadOnlyDictionary<string, string> Tags)
{
    public static TrackDto? From(TrackInfo? track) => track is null ? null : new(
        track.Source, track.Id, track.Title, track.Artist, track.Duration?.TotalSeconds, track.Valence, track.Arousal, track.Tags);
}

/// <summary>The hello reply; <see cref="StationId"/> is the station the session was routed to (<see cref="Station"/> is the product name).</summary>
public sealed record HelloResult(string SessionId, string ResumeToken, bool Resumed, string Station, int ProtocolVersion, bool Encrypted, string Codec, int SampleRate, int Channels, int Listeners, NowPlayingEvent NowPlaying, string StationId = "", IReadOnlyList<string>? Stations = null);

public sealed record PromptResult(MoodDto Mood, TrackDto? Track);

/// <summary><c>like</c>: the track that was liked and the mood it is now liked for.</summary>
public sealed record LikeResult(TrackDto Track, string Mood);

/// <summary><c>dislike</c>: the track that was disliked (never picked for <see cref="Mood"/> again) and what plays instead.</summary>
public sealed record DislikeResult(TrackDto Track, string Mood, NowPlayingEvent NowPlaying);

/// <summary>The <c>nowPlaying</c> event, also the shape of status's now-playing part.</summary>
public sealed record NowPlayingEvent(TrackDto? Track, MoodDto? Mood, double? PositionSeconds, bool Paused);

public sealed record ListenerCountEvent(int Count, int Max);

public sealed record ErrorEvent(string Message);

public sealed record SrtpDto(string Suite, string KeyParams);

public sealed record SubscribeResult(
    string Token, uint Ssrc, string Codec, int PayloadType, int ClockRate, int SampleRate, int Channels, int FrameMilliseconds,
    string Host, int Port, int StreamPort, int HeartbeatPort, int HeartbeatIntervalMs, int ExpiryMs, SrtpDto? Srtp, string Sdp,
    MeshDto? Mesh = null, string? Tracker = null, string? SwarmId = null);

public sealed record StatusResult(
    string State, NowPlayingEvent NowPlaying, int Listeners, int MaxListeners, double UptimeSeconds, string Codec, int SampleRate, int Channels,
    bool Encrypted, StationCountersDto Counters, MeshStatusDto? Mesh = null);

public sealed record StationCountersDto(
    long Frames, long PacketsSent, long SendErrors, long FramesSkippedBusy, long Heartbeats, long HeartbeatJunk, long UnknownTokens,
    long StreamPortJunk, long ListenersExpired, long LateWakes, long Resyncs, long TalkFrames = 0);

public sealed record ListResult(IReadOnlyList<TrackDto> Queue, IReadOnlyList<TrackDto> History, TrackDto? NowPlaying);
