using System.Globalization;
using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Rooms.Chat;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Hosted;

/// <summary>
/// Messages of a hosted room as they travel between its two servers, and the checks a received batch
/// passes before anything of it is stored: the whole batch is refused, with the first fault named, so
/// a bad batch never leaves half of itself behind.
/// </summary>
internal static class SyncWire
{
    /// <summary>How far ahead of this server's clock an id may be (the other server's clock may run a little fast).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);
    private const int MaxMentions = 32;

    public static ChatMessageDto Dto(ChatMessage m, RoomRecord room) => Control.RoomWire.Dto(m, room);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The <c>messages</c> array of a push or a notification, at most <paramref name="max"/> of them.</summary>
    public static List<ChatMessageDto> Read(JsonElement p, int max)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array)
            throw Invalid("'messages' is required (an array of messages).");
        var count = array.GetArrayLength();
        if (count > max) throw Invalid($"The batch holds {count} messages; at most {max} go in one (rooms:syncBatch).");
        try
        {
            return JsonSerializer.Deserialize<List<ChatMessageDto>>(array, JsonRpcWriter.SerializerOptions) ?? [];
        }
        catch (JsonException e)
        {
            throw Invalid($"'messages' is not an array of messages ({e.Message.Split('.')[0]}).");
        }
    }

    /// <summary>The first id of the millisecond <paramref name="lookback"/> before <paramref name="id"/>'s (0 for 0): where a sync looks again from.</summary>
    public static long Back(long id, TimeSpan lookback)
    {
        if (id <= 0) return 0;
        var ms = (long)(SnowflakeIds.TimeOf(id) - lookback - SnowflakeIds.Epoch).TotalMilliseconds;
        return ms <= 0 ? 0 : ms << (SnowflakeIds.NodeBits + SnowflakeIds.SequenceBits);
    }

    /// <summary>
    /// The stored form of <paramref name="dto"/> for <paramref name="room"/>, made by Snowflake node
    /// <paramref name="node"/> (<paramref name="ofNode"/>) or by any node but it (!<paramref name="ofNode"/>:
    /// what the central server sends); throws naming the fault otherwise. The time is
    /// the id's own (so a message cannot claim a place other than its id's), the user id 0 (the author is
    /// an account of the other server, kept by name).
    /// </summary>
    public static ChatMessage Parse(ChatMessageDto? dto, int index, RoomRecord room, int node, bool ofNode, int maxLength, DateTimeOffset now)
    {
        if (dto is null) throw Bad(index, "?", "is null");
        var where = dto.Id ?? "?";
        if (!long.TryParse(dto.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            throw Bad(index, where, "has no valid id (a positive 64-bit Snowflake as a string)");
        if ((SnowflakeIds.NodeOf(id) == node) != ofNode)
            throw Bad(index, where, ofNode
                ? $"was made by Snowflake node {SnowflakeIds.NodeOf(id)}, not by the sender's node {node}"
                : $"was made by this server's own Snowflake node {node}, so it cannot come from the other server");
        var at = SnowflakeIds.TimeOf(id);
        if (at > now + ClockSkew) throw Bad(index, where, $"is dated {at:O}, in the future");
        if (!string.Equals(dto.Room?.Trim(), room.Name, StringComparison.OrdinalIgnoreCase))
            throw Bad(index, where, $"claims room '{Control.RoomWire.Clip(dto.Room ?? "")}', not '{room.Name}'");
        try { NameRules.User(dto.Author); }
        catch (RoomsException e) { throw Bad(index, where, $"has a bad author ({e.Message})"); }
        var kind = dto.Kind switch
        {
            "text" => MessageKind.Text,
            "join" => MessageKind.Join,
            "leave" => MessageKind.Leave,
            _ => throw Bad(index, where, "has a kind other than text, join or leave"),
        };
        if (string.IsNullOrEmpty(dto.Text) || dto.Text.Length > maxLength || dto.Text.Contains('\0'))
            throw Bad(index, where, $"has an empty text, one over {maxLength} characters, or a NUL");
        if (dto.Nonce is { } nonce && (nonce.Length is 0 or > ChatService.MaxNonce || nonce.Contains('\0')))
            throw Bad(index, where, $"has a nonce that is not 1 to {ChatService.MaxNonce} characters");
        var mentions = dto.Mentions ?? [];
        if (mentions.Count > MaxMentions || mentions.Any(m => m is null || m.Length is 0 or > NameRules.MaxUserName || m.Any(c => c is ' ' or '\0')))
            throw Bad(index, where, $"has more than {MaxMentions} mentions or a bad one");
        return new ChatMessage(id, room.Id, 0, dto.Author!, kind, dto.Text, dto.Nonce, mentions, at);
    }

    private static RoomsException Bad(int index, string id, string what) =>
        Invalid($"Message {index} (id {Control.RoomWire.Clip(id)}) {what}; nothing of this batch was stored.");

    public static RoomsException Invalid(string message) => new(RoomsError.Invalid, message);
}
