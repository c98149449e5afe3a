namespace MoodDJ.Protocol;

/// <summary>
/// The JSON-RPC names a hosting server's link uses on a central server (docs/protocol.md, "Rooms
/// hosted by their users"), answered by MoodDJ.Rooms.Hosted.HostedRoomMethods. The link logs in first
/// (<see cref="RoomMethods.Login"/>) as the rooms' owner.
/// </summary>
public static class HostedMethods
{
    /// <summary>Lists a room of the caller's own server in the central room list (creates or updates the central copy).</summary>
    public const string Register = "hostedRegister";
    /// <summary>Messages the host wrote that the central copy lacks.</summary>
    public const string Push = "hostedPush";
    /// <summary>Messages written at the central copy (not by the host), after an id.</summary>
    public const string Pull = "hostedPull";

    // Notification (central → host)
    /// <summary>New messages written at the central copy of a room this connection registered.</summary>
    public const string Messages = "hostedMessages";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Register, Push, Pull };
}
