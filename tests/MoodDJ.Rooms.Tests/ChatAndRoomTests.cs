using MoodDJ.Rooms.Chat;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Tests;

/// <summary>Chat and room rules on a real SQLite store (accounts made directly, without PBKDF2's cost).</summary>
public sealed class ChatAndRoomTests : IAsyncLifetime
{
    private TempStore _db = null!;
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    private ChatService _chat = null!;
    private RoomService _rooms = null!;

    public async Task InitializeAsync()
    {
        _db = await TempStore.CreateAsync();
        _chat = new ChatService(_db.Store, new RoomsOptions { MessageBurst = 5, MessagesPerSecond = 1 }, _time);
        _rooms = new RoomService(_db.Store, _chat, new ListLogger());
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<UserRecord> UserAsync(string name) => (await _db.Store.Users.TryCreateAsync(name, [1], [2], 600_000))!;

    [Fact]
    public async Task Joins_says_and_leaves_read_back_in_order_with_notices()
    {
        var owner = await UserAsync("olivia");
        var guest = await UserAsync("peter");
        var room = await _rooms.CreateAsync(owner, "  Lounge  ", allowVisitors: true);
        Assert.Equal("Lounge", room.Name);
        await _rooms.JoinAsync(owner, "lounge");
        var joined = await _rooms.JoinAsync(guest, "LOUNGE");
        Assert.Equal(RoomRole.Member, joined.Role);
        Assert.Equal("peter joined", joined.Notice!.Body);
        await _chat.SayAsync(owner, room, "hi @peter and @nobody, mail me at a@olivia.example", "c1");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await _chat.SayAsync(guest, room, "hello @Olivia.", "c2");
        await _rooms.LeaveAsync(guest, room);
        var page = await _chat.HistoryAsync(room, null, 100);
        Assert.Equal([MessageKind.Join, MessageKind.Join, MessageKind.Text, MessageKind.Text, MessageKind.Leave], page.Messages.Select(m => m.Kind));
        Assert.Equal(["peter"], page.Messages[2].Mentions);
        Assert.Equal(["olivia"], page.Messages[3].Mentions);
        Assert.True(page.Messages.Zip(page.Messages.Skip(1)).All(p => p.Second.Id > p.First.Id));
        Assert.Null(page.Before);
    }

    [Fact]
    public async Task A_repeated_client_id_is_dropped_and_does_not_count_twice()
    {
        var user = await UserAsync("quinn");
        var room = await _rooms.CreateAsync(user, "r", true);
        var first = await _chat.SayAsync(user, room, "only once", "same-id");
        var again = await _chat.SayAsync(user, room, "only once", "same-id");
        Assert.True(again.Duplicate);
        Assert.Equal(first.Message.Id, again.Message.Id);
        Assert.Single((await _chat.HistoryAsync(room, null, 100)).Messages);
    }

    [Fact]
    public async Task Over_long_empty_and_id_less_messages_get_clear_errors()
    {
        var user = await UserAsync("rosa");
        var room = await _rooms.CreateAsync(user, "r", true);
        Assert.Contains("limit is 2000", (await Refused(RoomsError.Invalid, () => _chat.SayAsync(user, room, new string('x', 2001), "n"))).Message);
        await Refused(RoomsError.Invalid, () => _chat.SayAsync(user, room, "   ", "n"));
        await Refused(RoomsError.Invalid, () => _chat.SayAsync(user, room, "nul\0inside", "n"));
        Assert.Contains("nonce", (await Refused(RoomsError.Invalid, () => _chat.SayAsync(user, room, "no id", null))).Message);
        await Refused(RoomsError.Invalid, () => _chat.SayAsync(user, room, "long id", new string('n', 65)));
        await Refused(RoomsError.Invalid, () => _chat.HistoryAsync(room, null, 101));
        Assert.Contains("cursor", (await Refused(RoomsError.Invalid, () => _chat.HistoryAsync(room, "not-a-cursor", 10))).Message);
        Assert.Contains("limit is 64", (await Refused(RoomsError.Invalid, () => _rooms.CreateAsync(user, new string('r', 65), true))).Message);
        Assert.Contains("exists", (await Refused(RoomsError.Taken, () => _rooms.CreateAsync(user, "R", true))).Message);
        await Refused(RoomsError.NotFound, () => _rooms.JoinAsync(user, "nowhere"));
    }

    [Fact]
    public async Task Flooding_is_refused_with_the_wait_and_allowed_again_after_it()
    {
        var user = await UserAsync("sam");
        var other = await UserAsync("tina");
        var room = await _rooms.CreateAsync(user, "r", true);
        for (var i = 0; i < 5; i++) await _chat.SayAsync(user, room, $"m{i}", $"n{i}");
        var flood = await Refused(RoomsError.RateLimited, () => _chat.SayAsync(user, room, "one too many", "n5"));
        Assert.Contains("too fast", flood.Message);
        Assert.InRange(flood.RetryAfter!.Value.TotalSeconds, 0.5, 1.01);
        await _chat.SayAsync(other, room, "others are not held back", "o1");
        _time.Advance(TimeSpan.FromSeconds(1));
        await _chat.SayAsync(user, room, "after the wait", "n6");
    }

    [Fact]
    public async Task Visitors_read_only_where_the_owner_lets_them_and_only_the_owner_changes_that()
    {
        var owner = await UserAsync("uma");
        var member = await UserAsync("victor");
        var room = await _rooms.CreateAsync(owner, "private", allowVisitors: false);
        Assert.Contains("only members", (await Refused(RoomsError.Forbidden, () => _rooms.JoinAsync(null, "private"))).Message);
        await Refused(RoomsError.Forbidden, () => _rooms.RequireMemberAsync(member, room, "write"));
        await _rooms.JoinAsync(member, "private");
        Assert.Equal(RoomRole.Member, await _rooms.RequireMemberAsync(member, room, "write"));
        Assert.Contains("Only the owner", (await Refused(RoomsError.Forbidden, () => _rooms.SetAllowVisitorsAsync(member, "private", true))).Message);
        await _rooms.SetAllowVisitorsAsync(owner, "private", true);
        var visit = await _rooms.JoinAsync(null, "private");
        Assert.Equal(RoomRole.Visitor, visit.Role);
        Assert.Contains("log in to write", (await Refused(RoomsError.Forbidden, () => _rooms.RequireMemberAsync(null, room, "write"))).Message);
        var kinds = (await _db.Store.Events.QueryAsync("private", null, 100)).Select(e => e.Kind);
        Assert.Equal([EventKinds.RoomCreated, EventKinds.RoomJoined, EventKinds.RoomSettings], kinds);
    }

    private static async Task<RoomsException> Refused(RoomsError error, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RoomsException>(call);
        Assert.Equal(error, ex.Error);
        return ex;
    }
}
