using System.Diagnostics;
using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Rooms.Hosted;
using MoodDJ.Storage;
using Xunit.Abstractions;

namespace MoodDJ.Rooms.Tests;

/// <summary>
/// A hosted room's reconcile at volume: thousands of messages each way page through in batches, a
/// reconnect goes over the lookback again and stores nothing twice, and a member present through the
/// catch-up hears a few roomHistoryGrew notices, not thousands of roomMessage, and stays connected. Prints the times it took (the
/// figures in docs/performance.md): dotnet test tests/MoodDJ.Rooms.Tests --filter HostedRoomVolumeTests
/// --logger "console;verbosity=detailed".
/// </summary>
public sealed class HostedRoomVolumeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CatchUpWindow = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Thousands_of_messages_each_way_reconcile_in_batches_and_a_reconnect_stores_none_twice()
    {
        const int N = 5000;
        var copts = new RoomsOptions { Node = 1, SyncBatch = 200 };
        await using var central = await RoomServerHarness.StartAsync(copts, central: true);
        var hopts = new RoomsOptions { Node = 2, SyncBatch = 200, Central = new CentralOptions { Address = central.Server.ControlEndPoint.ToString()!, User = "olivia", Password = "olivia password" } };
        await using var host = await RoomServerHarness.StartAsync(hopts);
        await using (var c = await central.ConnectAsync("c", sayHello: false)) await c.SignUpAsync("olivia");
        await using var o = await host.ConnectAsync("o", sayHello: false);
        await o.SignUpAsync("olivia");
        await o.CallAsync(RoomMethods.RoomCreate, new { name = "Den", allowVisitors = true });
        await o.CallAsync(RoomMethods.RoomJoin, new { room = "Den" });
        var states = new System.Collections.Concurrent.ConcurrentQueue<string>();
        o.Client.StateChanged += (state, reason) => states.Enqueue($"{state} ({reason})");
        async Task<TimeSpan> SyncOnce()
        {
            var synced = new SemaphoreSlim(0);
            var link = new CentralLink(host.Db.Store, hopts, host.Rooms, host.Engine.ControlTransport, host.Engine.Crypto, host.Server.ControlEndPoint);
            link.Synced += _ => synced.Release();
            var clock = Stopwatch.StartNew();
            link.Start();
            Assert.True(await synced.WaitAsync(TimeSpan.FromMinutes(5)));
            var t = clock.Elapsed;
            await link.DisposeAsync();
            return t;
        }
        // Connect, log in (PBKDF2 at the central server), register, reconcile one message.
        output.WriteLine($"first sync (1 message): {(await SyncOnce()).TotalMilliseconds:0} ms");
        var hr = (await host.Db.Store.Rooms.FindAsync("Den"))!;
        var cr = (await central.Db.Store.Rooms.FindAsync("Den"))!;
        SnowflakeIds h = new(2), cc = new(1);
        var text = new string('x', 200);
        // Written straight into each store (chat's rate limits are not what is measured), while the link is down.
        for (var i = 0; i < N; i++)
        {
            await host.Db.Store.Messages.ImportAsync([new ChatMessage(h.Next(), hr.Id, 1, "olivia", MessageKind.Text, text + i, null, [], DateTimeOffset.UtcNow)]);
            await central.Db.Store.Messages.ImportAsync([new ChatMessage(cc.Next(), cr.Id, 1, "peter", MessageKind.Text, text + i, null, [], DateTimeOffset.UtcNow)]);
        }
        o.TakeHeard();
        var t = await SyncOnce();
        output.WriteLine($"reconcile {N} up + {N} down (200-character texts, batch 200): {t.TotalMilliseconds:0} ms = {2 * N / t.TotalSeconds:0} messages/s");
        // Olivia, in the room at the host all along, hears the N pulled messages as a few roomHistoryGrew
        // notices (each batch of 200 is over rooms:catchUpLiveMessages, and notices go at most one a second),
        // not one by one: her client keeps up and stays connected.
        var heard = new List<JsonElement>();
        var grew = new List<JsonElement>();
        await HostedRooms.EventuallyAsync(() =>
        {
            var (m, g) = o.TakeHeard();
            heard.AddRange(m);
            grew.AddRange(g);
            return Task.FromResult(grew.Sum(e => e.GetProperty("added").GetInt32()) + heard.Count >= N);
        }, $"olivia hears of all {N} pulled messages");
        output.WriteLine($"olivia heard {grew.Count} roomHistoryGrew notices (added: {string.Join(", ", grew.Select(e => e.GetProperty("added").GetInt32()))}) and {heard.Count} roomMessage");
        Assert.Empty(heard);
        Assert.Equal(N, grew.Sum(e => e.GetProperty("added").GetInt32()));
        Assert.InRange(grew.Count, 1, Math.Max(3, (int)t.TotalSeconds + 3));
        Assert.All(grew, e => Assert.Equal("Den", e.GetProperty("room").GetString()));
        Assert.True(grew.All(e => long.Parse(e.GetProperty("firstId").GetString()!) <= long.Parse(e.GetProperty("lastId").GetString()!)));
        var again = await SyncOnce();
        output.WriteLine($"reconnect, nothing new (the {N} + {N} within the lookback go over again, skipped as held): {again.TotalMilliseconds:0} ms");
        await Task.Delay(CatchUpWindow + CatchUpWindow);
        var (late, lateGrew) = o.TakeHeard();
        Assert.Empty(late);
        Assert.Empty(lateGrew); // nothing new stored, nothing told
        Assert.True(o.Client.IsConnected && o.Client.Reconnects == 0 && states.IsEmpty, "olivia's client: " + string.Join("; ", states));
        // Her roomHistory pages back through every message exactly once: N of each side and her join.
        var ids = new List<string>();
        for (string? before = null; ;)
        {
            var page = await o.CallAsync(RoomMethods.RoomHistory, before is null ? new { room = "Den", limit = 100 } : (object)new { room = "Den", before, limit = 100 });
            ids.AddRange(page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            if (!page.TryGetProperty("before", out var older) || older.ValueKind == JsonValueKind.Null) break;
            before = older.GetString();
        }
        Assert.Equal(2 * N + 1, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Each side holds the union once: N texts of each, none twice, and olivia's join notice; nobody left.
        foreach (var (side, store, room) in new[] { ("host", host.Db.Store, hr.Id), ("central", central.Db.Store, cr.Id) })
        {
            var ofHost = await store.Messages.SinceAsync(room, 0, 2, ofNode: true, 10_000);
            var ofCentral = await store.Messages.SinceAsync(room, 0, 2, ofNode: false, 10_000);
            var all = ofHost.Concat(ofCentral).ToList();
            var what = $"{side}: " + string.Join("; ", all.Where(m => m.Kind != MessageKind.Text)
                .Select(m => $"{m.Id} node {SnowflakeIds.NodeOf(m.Id)} {m.Kind} by {m.Author}: {m.Body}"));
            Assert.True(ofHost.Count(m => m.Kind == MessageKind.Text) == N, what);
            Assert.True(ofCentral.Count(m => m.Kind == MessageKind.Text) == N, what);
            Assert.Empty(all.GroupBy(m => (m.Author, m.Kind, m.Body)).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}"));
            Assert.True(ofHost.Count(m => m.Kind == MessageKind.Join) == 1 && ofHost.Count(m => m.Kind == MessageKind.Leave) == 0 && ofCentral.All(m => m.Kind == MessageKind.Text), what);
        }
    }
}
