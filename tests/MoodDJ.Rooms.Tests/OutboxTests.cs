using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Rooms.Outbox;

namespace MoodDJ.Rooms.Tests;

/// <summary>The offline outbox: written while the server is away, delivered in order and exactly once after a reconnect and after a server restart.</summary>
public sealed class OutboxTests
{
    [Fact]
    public async Task A_lost_acknowledgement_is_resent_with_its_nonce_and_stored_once_in_order()
    {
        var dir = Directory.CreateTempSubdirectory("mooddj-outbox-").FullName;
        try
        {
            await using var server = await RoomServerHarness.StartAsync();
            await using var client = await LoggedInAsync(server, "olive");
            var outbox = new ChatOutbox(Path.Combine(dir, "outbox.jsonl"));
            foreach (var text in new[] { "one", "two", "three" }) outbox.Add("Attic", text);

            // The connection drops just after the server stored "two": its acknowledgement never arrives.
            var calls = 0;
            await Assert.ThrowsAsync<IOException>(() => outbox.FlushAsync(async (e, ct) =>
            {
                await SayAsync(client, e);
                if (++calls == 2) throw new IOException("connection lost before the reply");
            }));
            Assert.Equal(["two", "three"], new ChatOutbox(Path.Combine(dir, "outbox.jsonl")).Pending.Select(e => e.Text)); // on disk too

            var duplicates = 0;
            Assert.Equal(2, await outbox.FlushAsync(async (e, ct) => { if ((await SayAsync(client, e)).GetProperty("duplicate").GetBoolean()) duplicates++; }));
            Assert.Equal(1, duplicates);
            Assert.Equal(0, new ChatOutbox(Path.Combine(dir, "outbox.jsonl")).Count);
            Assert.Equal(["olive joined", "one", "two", "three"], await TextsAsync(client));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Messages_written_while_the_server_restarts_arrive_once_after_it_is_back()
    {
        var data = Directory.CreateTempSubdirectory("mooddj-outbox-db-").FullName;
        var outboxFile = Path.Combine(data, "client", "outbox.jsonl");
        try
        {
            string token;
            await using (var first = await RoomServerHarness.StartAsync(reopen: data))
            {
                await using var client = await LoggedInAsync(first, "pablo");
                token = client.Token;
                await SayAsync(client, new OutboxEntry("Attic", "before the restart", "n-0"));
            }
            // The server is gone: what the user writes waits in the outbox (and survives the client's own restart).
            var outbox = new ChatOutbox(outboxFile);
            outbox.Add("Attic", "while it was down 1");
            outbox.Add("Attic", "while it was down 2");
            outbox = new ChatOutbox(outboxFile);
            Assert.Equal(2, outbox.Count);

            await using var second = await RoomServerHarness.StartAsync(reopen: data);
            await using var again = await second.ConnectAsync("pablo again");
            await again.CallAsync(RoomMethods.Login, new { token }); // sessions are in the database: the token still works
            await again.CallAsync(RoomMethods.RoomJoin, new { room = "Attic" });
            Assert.Equal(2, await outbox.FlushAsync((e, ct) => SayAsync(again, e)));
            Assert.Equal(0, await outbox.FlushAsync((e, ct) => SayAsync(again, e)));
            // Ids are given when the server stores a message, so the outbox lands after the rejoin, in the order written.
            Assert.Equal(["pablo joined", "before the restart", "pablo joined", "while it was down 1", "while it was down 2"],
                await TextsAsync(again));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Outbox_messages_sort_where_they_were_written_among_what_others_wrote_meanwhile()
    {
        var dir = Directory.CreateTempSubdirectory("mooddj-outbox-").FullName;
        try
        {
            await using var server = await RoomServerHarness.StartAsync();
            await using var olive = await LoggedInAsync(server, "olive");
            await using var bob = await server.ConnectAsync("bob");
            await bob.SignUpAsync("bob");
            await bob.CallAsync(RoomMethods.RoomJoin, new { room = "Attic" });
            var outbox = new ChatOutbox(Path.Combine(dir, "outbox.jsonl"));
            outbox.Add("Attic", "offline one");
            await Task.Delay(5);
            outbox.Add("Attic", "offline two");
            await Task.Delay(5);
            await bob.CallAsync(RoomMethods.RoomSay, new { room = "Attic", text = "bob, meanwhile", nonce = "b-1" });
            await Task.Delay(5);

            var stored = new List<JsonElement>();
            Assert.Equal(2, await outbox.FlushAsync(async (e, ct) => stored.Add((await SayWrittenAsync(olive, e)).GetProperty("message"))));
            Assert.Equal(["olive joined", "bob joined", "offline one", "offline two", "bob, meanwhile"], await TextsAsync(olive));
            Assert.Equal(outbox.Pending.Count, 0);
            var at = stored.Select(m => m.GetProperty("at").GetDateTimeOffset()).ToList();
            Assert.True(at[0] <= at[1] && at[1] < DateTimeOffset.UtcNow.AddSeconds(-0.005));
            // A repeat of a backdated send is still a repeat.
            var repeat = await olive.Client.CallAsync(RoomMethods.RoomSay, new { room = "Attic", text = "offline one", nonce = stored[0].GetProperty("nonce").GetString(), writtenAt = at[0] });
            Assert.True(repeat.GetProperty("duplicate").GetBoolean());

            // A time in the future counts as now; one far past as the nonce window ago; a bad one is refused.
            var future = await olive.Client.CallAsync(RoomMethods.RoomSay, new { room = "Attic", text = "from the future", nonce = "o-f", writtenAt = DateTimeOffset.UtcNow.AddHours(1) });
            Assert.InRange(future.GetProperty("message").GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(1));
            var old = await olive.Client.CallAsync(RoomMethods.RoomSay, new { room = "Attic", text = "from long ago", nonce = "o-o", writtenAt = DateTimeOffset.UtcNow.AddHours(-5) });
            Assert.InRange(old.GetProperty("message").GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-31), DateTimeOffset.UtcNow.AddMinutes(-29));
            var bad = await Assert.ThrowsAsync<JsonRpcException>(() => olive.Client.CallAsync(RoomMethods.RoomSay, new { room = "Attic", text = "x", nonce = "o-x", writtenAt = "last tuesday" }));
            Assert.Equal((JsonRpcErrorCodes.InvalidParams, "'writtenAt' must be an ISO 8601 time such as 2026-11-30T06:15:00Z."), (bad.Code, bad.Message));
            var ids = (await olive.Client.CallAsync(RoomMethods.RoomHistory, new { room = "Attic", limit = 100 })).GetProperty("messages").EnumerateArray()
                .Select(m => long.Parse(m.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task<JsonElement> SayWrittenAsync(RoomClient client, OutboxEntry e) =>
        client.CallAsync(RoomMethods.RoomSay, new { room = e.Room, text = e.Text, nonce = e.Nonce, writtenAt = e.WrittenAt });

    private sealed class Session(RoomClient client, string token) : IAsyncDisposable
    {
        public RoomClient Client { get; } = client;
        public string Token { get; } = token;
        public ValueTask DisposeAsync() => Client.DisposeAsync();
        public static implicit operator RoomClient(Session s) => s.Client;
    }

    private static async Task<Session> LoggedInAsync(RoomServerHarness server, string user)
    {
        var client = await server.ConnectAsync(user);
        await client.CallAsync(RoomMethods.Register, new { user, password = "a long password" });
        var token = (await client.CallAsync(RoomMethods.Login, new { user, password = "a long password" })).GetProperty("token").GetString()!;
        await client.CallAsync(RoomMethods.RoomCreate, new { name = "Attic" });
        await client.CallAsync(RoomMethods.RoomJoin, new { room = "Attic" });
        return new Session(client, token);
    }

    private static Task<JsonElement> SayAsync(RoomClient client, OutboxEntry e) =>
        client.CallAsync(RoomMethods.RoomSay, new { room = e.Room, text = e.Text, nonce = e.Nonce });

    private static async Task<List<string>> TextsAsync(RoomClient client) =>
        (await client.CallAsync(RoomMethods.RoomHistory, new { room = "Attic", limit = 100 })).GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("text").GetString()!).Where(t => !t.EndsWith(" left", StringComparison.Ordinal)).ToList();
}
