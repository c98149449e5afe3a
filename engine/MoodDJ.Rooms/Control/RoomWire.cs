using System.Net;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Control;

/// <summary>How the room methods' records and refusals look on the wire (docs/protocol.md, "Rooms, accounts and chat").</summary>
internal static class RoomWire
{
    public static ChatMessageDto Dto(ChatMessage m, RoomRecord room) =>
        new(m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), room.Name, m.Author, m.Kind.ToString().ToLowerInvariant(), m.Body, m.Nonce, m.Mentions, m.At);

    public static string Role(RoomRole role) => role.ToString().ToLowerInvariant();

    public static string Address(ControlSession session) =>
        session.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : session.RemoteEndPoint.ToString() ?? "unknown";

    public static int Code(RoomsError error) => error switch
    {
        RoomsError.Invalid => JsonRpcErrorCodes.InvalidParams,
        RoomsError.Taken => RoomMethods.Taken,
        RoomsError.Unauthorized => JsonRpcErrorCodes.Unauthorized,
        RoomsError.Forbidden => RoomMethods.Forbidden,
        RoomsError.RateLimited => RoomMethods.RateLimited,
        RoomsError.NotFound => JsonRpcErrorCodes.NotFound,
        RoomsError.Busy => JsonRpcErrorCodes.ServerFull,
        _ => JsonRpcErrorCodes.Unavailable,
    };

    public static string StatusName(PresenceStatus status) => status == PresenceStatus.Invisible ? "offline" : status.ToString().ToLowerInvariant();

    public static string Clip(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
