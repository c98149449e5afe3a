using System.Text.Json;
using MoodDJ.Protocol;

namespace MoodDJ.Rooms.Tests;

/// <summary>Rooms over the real control server: several clients, notices, permissions, paging, bad input.</summary>
public sealed class RoomLifecycleTests
{
    [Fact]
    public async Task Owner_member_and_visitor_meet_in_a_room_with_the_permissions_each_has()
    {
        await using var server = await RoomServerHarness.StartAsync();
        await using var alice = await server.ConnectAsync("alice's client");
        await using var bob = await server.ConnectAsync("bob's client");
        await using var visitor = await server.ConnectAsync("a visitor");

        await alice.CallAsync(RoomMethods.Register, new { user = "alice", password = "alice password" });
        var login = await alice.CallAsync(RoomMethods.Login, new { user = "alice", password = "alice password" });
        Assert.Equal(43, login.GetProperty("token").GetString()!.Length);
        var created = await alice.CallAsync(RoomMethods.RoomCreate, new { name = "Lounge", allowVisitors = false });
        Assert.Equal("alice", created.GetProperty("owner").GetString());
        await Refused(RoomMethods.Taken, () => alice.CallAsync(RoomMethods.RoomCreate, new { name = "lounge" }));
        await Refused(JsonRpcErrorCodes.Unauthorized, () => visitor.CallAsync(RoomMethods.RoomCreate, new { name = "mine" }));
        await alice.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });

        // Members only: the visitor is turned away, and cannot read either.
        Assert.Contains("only members", (await Refused(RoomMethods.Forbidden, () => visitor.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" }))).Message);
        await Refused(RoomMethods.Forbidden, () => visitor.CallAsync(RoomMethods.RoomHistory, new { room = "Lounge" }));

        await bob.CallAsync(RoomMethods.Register, new { user = "bob", password = "bob password" });
        await bob.CallAsync(RoomMethods.Login, new { user = "bob", password = "bob password" });
        var joined = await bob.CallAsync(RoomMethods.RoomJoin, new { room = "lounge" });
        Assert.Equal("member", joined.GetProperty("role").GetString());
        var notice = await alice.NextMessageAsync();
        Assert.Equal(("join", "bob"), (notice.GetProperty("kind").GetString(), notice.GetProperty("author").GetString()));

        var said = await bob.CallAsync(RoomMethods.RoomSay, new { room = "Lounge", text = "hi @alice", nonce = "b-1" });
        Assert.False(said.GetProperty("duplicate").GetBoolean());
        var heard = await alice.NextMessageAsync();
        Assert.Equal("hi @alice", heard.GetProperty("text").GetString());
        Assert.Equal(["alice"], heard.GetProperty("mentions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(said.GetProperty("message").GetProperty("id").GetString(), heard.GetProperty("id").GetString());
        var repeat = await bob.CallAsync(RoomMethods.RoomSay, new { room = "Lounge", text = "hi @alice", nonce = "b-1" });
        Assert.True(repeat.GetProperty("duplicate").GetBoolean());
        await alice.AssertQuietAsync(TimeSpan.FromMilliseconds(300)); // a repeat is not delivered again

        // Only the owner opens the room to visitors.
        Assert.Contains("Only the owner", (await Refused(RoomMethods.Forbidden, () => bob.CallAsync(RoomMethods.RoomSet, new { room = "Lounge", allowVisitors = true }))).Message);
        await alice.CallAsync(RoomMethods.RoomSet, new { room = "Lounge", allowVisitors = true });
        var visit = await visitor.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        Assert.Equal("visitor", visit.GetProperty("role").GetString());
        Assert.Contains("log in to write", (await Refused(RoomMethods.Forbidden, () => visitor.CallAsync(RoomMethods.RoomSay, new { room = "Lounge", text = "let me in", nonce = "v-1" }))).Message);
        var history = await visitor.CallAsync(RoomMethods.RoomHistory, new { room = "Lounge" });
        Assert.Equal(["alice joined", "bob joined", "hi @alice"], history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        var who = await visitor.CallAsync(RoomMethods.RoomWho, new { room = "Lounge" });
        Assert.Equal(3, who.GetProperty("online").GetArrayLength());
        var list = await visitor.CallAsync(RoomMethods.RoomList);
        Assert.Equal(3, list.GetProperty("rooms")[0].GetProperty("online").GetInt32());

        // Bob's connection drops: the others hear that he left.
        await bob.DisposeAsync();
        var left = await alice.NextMessageAsync();
        Assert.Equal(("leave", "bob"), (left.GetProperty("kind").GetString(), left.GetProperty("author").GetString()));
        Assert.Equal("leave", (await visitor.NextMessageAsync()).GetProperty("kind").GetString());

        // Logging out revokes the token: a new connection cannot use it.
        var token = login.GetProperty("token").GetString();
        await alice.CallAsync(RoomMethods.Logout);
        await using var again = await server.ConnectAsync("alice again");
        Assert.Contains("log in again", (await Refused(JsonRpcErrorCodes.Unauthorized, () => again.CallAsync(RoomMethods.Login, new { token }))).Message);
        var kinds = (await server.Db.Store.Events.QueryAsync(null, null, 100)).Select(e => e.Kind).ToList();
        Assert.Contains("room-created", kinds);
        Assert.Contains("logout", kinds);
    }

    [Fact]
    public async Task History_pages_by_cursor_over_the_wire_and_bad_input_gets_one_line_errors()
    {
        await using var server = await RoomServerHarness.StartAsync(new RoomsOptions { MessageBurst = 25, MessagesPerSecond = 0.01 });
        await using var dj = await server.ConnectAsync("dj");
        await dj.CallAsync(RoomMethods.Register, new { user = "deejay", password = "dj password" });
        var token = (await dj.CallAsync(RoomMethods.Login, new { user = "deejay", password = "dj password" })).GetProperty("token").GetString();
        const string Injection = "x'); DROP TABLE rooms; --";
        await dj.CallAsync(RoomMethods.RoomCreate, new { name = Injection, allowVisitors = true });
        await dj.CallAsync(RoomMethods.RoomJoin, new { room = Injection });
        for (var i = 0; i < 25; i++)
            await dj.CallAsync(RoomMethods.RoomSay, new { room = Injection, text = $"{i}: ' OR 1=1 --", nonce = $"n{i}" });
        var flood = await Refused(RoomMethods.RateLimited, () => dj.CallAsync(RoomMethods.RoomSay, new { room = Injection, text = "flood", nonce = "n-flood" }));
        Assert.Contains("too fast", flood.Message);
        Assert.True(flood.ErrorData!.Value.GetProperty("retryAfterMs").GetInt64() > 0);

        var texts = new List<string>();
        string? before = null;
        do
        {
            var page = await dj.CallAsync(RoomMethods.RoomHistory, new { room = Injection, before, limit = 10 });
            texts.InsertRange(0, page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!));
            before = page.TryGetProperty("before", out var cursor) ? cursor.GetString() : null; // absent at the room's first message
        } while (before is not null);
        Assert.Equal(26, texts.Count); // the join notice and 25 messages
        Assert.Equal("24: ' OR 1=1 --", texts[^1]);
        Assert.Equal(Injection, (await dj.CallAsync(RoomMethods.RoomList)).GetProperty("rooms")[0].GetProperty("name").GetString());

        await Refused(JsonRpcErrorCodes.InvalidParams, () => dj.CallAsync(RoomMethods.RoomHistory, new { room = Injection, limit = 101 }));
        await Refused(JsonRpcErrorCodes.InvalidParams, () => dj.CallAsync(RoomMethods.RoomHistory, new { room = Injection, before = "forged" }));
        await Refused(JsonRpcErrorCodes.InvalidParams, () => dj.CallAsync(RoomMethods.RoomSay, new { room = Injection, text = new string('x', 2001), nonce = "long" }));
        await Refused(JsonRpcErrorCodes.InvalidParams, () => dj.CallAsync(RoomMethods.RoomSay, new { room = Injection, text = 42, nonce = "num" }));
        await Refused(JsonRpcErrorCodes.NotFound, () => dj.CallAsync(RoomMethods.RoomJoin, new { room = "nowhere" }));
        await Refused(JsonRpcErrorCodes.InvalidParams, () => dj.CallAsync(RoomMethods.RoomCreate, new { name = new string('r', 65) }));
        await Refused(JsonRpcErrorCodes.Unauthorized, () => dj.CallAsync(RoomMethods.Login, new { token = token![..40] + "AAA" }));
        await Refused(JsonRpcErrorCodes.InvalidParams, () => dj.CallAsync(RoomMethods.Register, new { user = "deejay", password = "short" }));
        await Refused(RoomMethods.Taken, () => dj.CallAsync(RoomMethods.Register, new { user = "DEEJAY", password = "long enough" }));
    }

    private static async Task<JsonRpcException> Refused(int code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<JsonRpcException>(call);
        Assert.True(code == ex.Code, $"expected error {code}, got {ex.Code}: {ex.Message}");
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }
}
