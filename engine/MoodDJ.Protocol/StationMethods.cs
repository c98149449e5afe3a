namespace MoodDJ.Protocol;

/// <summary>
/// Every JSON-RPC method and notification name of the station protocol (docs/protocol.md,
/// "Methods" and "Notifications"), so the server, the clients, the tests and the benchmarks
/// spell them once.
/// </summary>
public static class StationMethods
{
    // Methods (client → station).
    public const string Ping = "ping";
    public const string Hello = "hello";
    /// <summary>The old name of <see cref="Hello"/>, still answered.</summary>
    public const string Auth = "auth";
    public const string Prompt = "prompt";
    public const string Skip = "skip";
    /// <summary>Remember that the playing track suits the present mood (picked first for it from now on).</summary>
    public const string Like = "like";
    /// <summary>Skip the playing track and never pick it for the present mood again.</summary>
    public const string Dislike = "dislike";
    public const string Pause = "pause";
    public const string Resume = "resume";
    public const string Seek = "seek";
    public const string Stop = "stop";
    public const string Status = "status";
    public const string List = "list";
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";
    public const string SetVolume = "setVolume";
    public const string Report = "report";
    /// <summary>A relaying peer asks for parents (or a direct feed); docs/protocol.md, "Live relay mesh".</summary>
    public const string MeshParents = "meshParents";
    /// <summary>Push to talk: voice frames in the station's codec, mixed over the music with ducking.</summary>
    public const string Talk = "talk";
    /// <summary>What the station's sources offer for a mood (seed 001's resource list).</summary>
    public const string Catalog = "catalog";
    /// <summary>Play a track the catalog listed (or one in the queue) now, from a given time.</summary>
    public const string Play = "play";

    // Notifications (station → client).
    public const string NowPlaying = "nowPlaying";
    public const string ListenerCount = "listenerCount";
    public const string ListenerJoined = "listenerJoined";
    public const string ListenerLeft = "listenerLeft";
    public const string Error = "error";
    /// <summary>Sent only to the client that holds the listener: its player applies the volume.</summary>
    public const string Volume = "volume";
    /// <summary>Sent to a relaying peer: send a probe datagram to this address (a child is about to attach; opens a NAT).</summary>
    public const string MeshProbe = "meshProbe";
    /// <summary>Sent to every relaying peer: the station's next stream key (rotation).</summary>
    public const string MeshKey = "meshKey";
}
