namespace MoodDJ.Protocol;

/// <summary>
/// The JSON-RPC names of accounts, rooms and chat (docs/protocol.md, "Rooms, accounts and chat"),
/// answered by MoodDJ.Rooms on the station's control server.
/// </summary>
public static class RoomMethods
{
    public const string Register = "register";
    public const string Login = "login";
    public const string Logout = "logout";
    public const string RoomCreate = "roomCreate";
    public const string RoomList = "roomList";
    public const string RoomJoin = "roomJoin";
    public const string RoomLeave = "roomLeave";
    public const string RoomSay = "roomSay";
    public const string RoomHistory = "roomHistory";
    public const string RoomWho = "roomWho";
    public const string RoomSet = "roomSet";
    /// <summary>The session's status in all its rooms: online, away or invisible.</summary>
    public const string PresenceSet = "presenceSet";

    // Notifications
    /// <summary>A message, join or leave notice in a room the session has joined.</summary>
    public const string RoomMessage = "roomMessage";
    /// <summary>Someone in a room the session has joined changed status.</summary>
    public const string RoomPresence = "roomPresence";
    /// <summary>A catch-up from a hosted room's other server stored many messages at once: reload the latest history page.</summary>
    public const string RoomHistoryGrew = "roomHistoryGrew";

    /// <summary>Error codes of these methods beyond <see cref="JsonRpcErrorCodes"/>'s.</summary>
    public const int Forbidden = -32010;
    public const int RateLimited = -32011;
    public const int Taken = -32012;

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Register, Login, Logout, RoomCreate, RoomList, RoomJoin, RoomLeave, RoomSay, RoomHistory, RoomWho, RoomSet, PresenceSet,
    };
}
