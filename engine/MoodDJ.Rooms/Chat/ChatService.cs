using MoodDJ.Storage;

namespace MoodDJ.Rooms.Chat;

/// <summary>
/// Writes and reads a room's chat: checks the text and the client id (nonce), applies the per-user
/// rate limit, resolves @mentions to users who exist, and stamps each message with a Snowflake id.
/// A repeated nonce returns the first message (Duplicate) without storing or counting it again.
/// </summary>
public sealed class ChatService(IMoodDJStore store, RoomsOptions options, TimeProvider? time = null)
{
    public const int MaxNonce = 64;
    public const int MaxPage = 100;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SnowflakeIds _ids = new(options.Node, time);
    private readonly SendRateLimiter _limiter = new(options.MessageBurst, options.MessagesPerSecond, time);

    /// <param name="writtenAt">
    /// When the client wrote it (an outbox message sent later): the message sorts at that time, not at
    /// the time it arrived, so messages keep the order their writers wrote them in. A time in the future
    /// counts as now; one older than rooms:nonceWindowMinutes as that long ago (a repeat is recognised
    /// only within the window anyway).
    /// </param>
    public async Task<AppendResult> SayAsync(UserRecord user, RoomRecord room, string? text, string? nonce, CancellationToken cancellationToken = default,
        DateTimeOffset? writtenAt = null)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Invalid("The message is empty.");
        if (text.Length > options.MaxMessageLength) throw Invalid($"The message is {text.Length} characters; the limit is {options.MaxMessageLength}.");
        if (text.Contains('\0')) throw Invalid("The message holds a NUL character; remove it.");
        if (string.IsNullOrEmpty(nonce) || nonce.Length > MaxNonce || nonce.Contains('\0'))
            throw Invalid($"Each message needs a client id ('nonce', 1 to {MaxNonce} characters) so that a repeated send is dropped.");
        _limiter.Take(user.Id);
        var mentioned = new List<string>();
        foreach (var name in Mentions.Find(text))
            if (await store.Users.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } u) mentioned.Add(u.Name);
        var now = _time.GetUtcNow();
        var at = writtenAt is { } written && written < now ? (written < now - options.NonceWindow ? now - options.NonceWindow : written) : now;
        var message = new ChatMessage(at < now ? _ids.At(at) : _ids.Next(), room.Id, user.Id, user.Name, MessageKind.Text, text, nonce, mentioned, at);
        return await store.Messages.AppendAsync(message, options.NonceWindow, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores a join or leave notice in the room's history.</summary>
    public async Task<ChatMessage> NoticeAsync(UserRecord user, RoomRecord room, MessageKind kind, CancellationToken cancellationToken = default)
    {
        var body = kind == MessageKind.Join ? $"{user.Name} joined" : $"{user.Name} left";
        var message = new ChatMessage(_ids.Next(), room.Id, user.Id, user.Name, kind, body, null, [], _time.GetUtcNow());
        return (await store.Messages.AppendAsync(message, options.NonceWindow, cancellationToken).ConfigureAwait(false)).Message;
    }

    public Task<HistoryPage> HistoryAsync(RoomRecord room, string? before, int? limit, CancellationToken cancellationToken = default)
    {
        var n = limit ?? 50;
        if (n is < 1 or > MaxPage) throw Invalid($"'limit' is {n}; a history page holds 1 to {MaxPage} messages.");
        try
        {
            return store.Messages.HistoryAsync(room.Id, before, n, cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message.Split(" (Parameter")[0]);
        }
    }

    /// <summary>Forgets nonces past the window (run now and then; they can no longer be repeats).</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken = default) =>
        store.Messages.PruneNoncesAsync(_time.GetUtcNow() - options.NonceWindow, cancellationToken);

    private static RoomsException Invalid(string message) => new(RoomsError.Invalid, message);
}
