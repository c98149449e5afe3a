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
