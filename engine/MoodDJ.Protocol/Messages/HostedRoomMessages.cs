namespace MoodDJ.Protocol.Messages;

// The JSON shapes of rooms hosted by their users (docs/protocol.md, "Rooms hosted by their users").
// Messages travel as ChatMessageDto; ids stay strings (64-bit Snowflakes).

/// <summary>
/// <c>hostedRegister</c>'s answer: the central copy of the room, the most messages a push or pull may
/// carry, how far back (ms) a message may be backdated there, and the central server's Snowflake node.
/// </summary>
public sealed record HostedRegisterResult(RoomDto Room, int SyncBatch, long LookbackMs, int CentralNode);

/// <summary><c>hostedPush</c>'s answer: newly stored, already there, and the highest id of the batch (now acknowledged).</summary>
public sealed record HostedPushResult(int Stored, int Duplicates, string Through);

/// <summary><c>hostedPull</c>'s answer, in id order; <see cref="More"/>: ask again after the last id.</summary>
public sealed record HostedPullResult(IReadOnlyList<ChatMessageDto> Messages, bool More);

/// <summary>The <c>hostedMessages</c> notification: messages just written at the central copy of <see cref="Room"/>.</summary>
public sealed record HostedMessagesEvent(string Room, IReadOnlyList<ChatMessageDto> Messages);
