using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Rooms.Hosted;

namespace MoodDJ.Rooms.Tests;

/// <summary>
/// What the hosted-room tests share: a central server's and a hosting server's options, a real
/// <see cref="CentralLink"/> whose syncs can be awaited, and calls on the rooms' control methods.
/// Waits poll with generous timeouts: the machine is loaded.
/// </summary>
internal static class HostedRooms
{
    public const string Room = "Olivia's den";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static RoomsOptions CentralOptions(int maxHosted = 3) =>
        new() { Node = 1, MessageBurst = 1000, MessagesPerSecond = 1000, MaxHostedRoomsPerUser = maxHosted, SyncBatch = 50 };

    public static RoomsOptions HostOptions(RoomServerHarness central) => new()
    {
        Node = 2,
        MessageBurst = 1000,
        MessagesPerSecond = 1000,
        // Small batches: the reconcile pages through several.
        SyncBatch = 3,
        Central = new Hosted.CentralOptions
        {
            Address = central.Server.ControlEndPoint.ToString()!,
            User = "olivia",
            Password = "olivia password",
            ReconnectMaxSeconds = 1,
        },
    };

    public sealed class Link : IAsyncDisposable
    {
        private readonly SemaphoreSlim _synced = new(0);

        public Link(RoomServerHarness host, RoomsOptions options)
        {
            Central = new CentralLink(host.Db.Store, options, host.Rooms, host.Engine.ControlTransport, host.Engine.Crypto, host.Server.ControlEndPoint);
            Central.Synced += room => { if (room == Room) _synced.Release(); };
            Central.Start();
        }

        public CentralLink Central { get; }

        /// <summary>The next reconcile of the room (one per connection).</summary>
        public Task Synced => _synced.WaitAsync(Patience).ContinueWith(t => Assert.True(t.Result, "the link did not sync the room in time"));

        public ValueTask DisposeAsync() => Central.DisposeAsync();
    }

    public static async Task<List<string>> CentralTextsAsync(RoomServerHarness central)
    {
        var room = await central.Db.Store.Rooms.FindAsync(Room);
        return room is null ? [] : (await central.Db.Store.Messages.HistoryAsync(room.Id, null, 100)).Messages.Select(m => m.Body).ToList();
    }

    public sealed record Line(string Id, string Text);

    public static Task<JsonElement> SayAsync(RoomClient client, string text) =>
        // 3 ms apart, so that messages of the two servers written in turn fall in distinct milliseconds and their order is the test's.
        Task.Delay(3).ContinueWith(_ => client.CallAsync(RoomMethods.RoomSay, new { room = Room, text, nonce = Guid.NewGuid().ToString("N") })).Unwrap();

    public static async Task<List<Line>> HistoryAsync(RoomClient client)
    {
        var page = await client.CallAsync(RoomMethods.RoomHistory, new { room = Room, limit = 100 });
        return page.GetProperty("messages").EnumerateArray()
            .Select(m => new Line(m.GetProperty("id").GetString()!, m.GetProperty("text").GetString()!)).ToList();
    }

    public static List<string> Texts(IEnumerable<Line> lines) => lines.Select(l => l.Text).ToList();

    public static async Task<JsonElement> ListedAsync(RoomClient client)
    {
        var rooms = (await client.CallAsync(RoomMethods.RoomList)).GetProperty("rooms").EnumerateArray().ToList();
        return Assert.Single(rooms, r => r.GetProperty("name").GetString() == Room);
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {Patience.TotalSeconds} s waiting until {what}.");
            await Task.Delay(50);
        }
    }

    public static async Task<string> RefusedAsync(RoomClient client, string method, object parameters, int code)
    {
        var e = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(method, parameters));
        Assert.Equal(code, e.Code);
        return e.Message;
    }
}
