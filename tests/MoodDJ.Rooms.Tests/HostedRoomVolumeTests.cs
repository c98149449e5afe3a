using System.Diagnostics;
using MoodDJ.Protocol;
using MoodDJ.Rooms.Hosted;
using MoodDJ.Storage;
using Xunit.Abstractions;

namespace MoodDJ.Rooms.Tests;

/// <summary>
/// A hosted room's reconcile at volume: thousands of messages each way page through in batches, a
/// reconnect goes over the lookback again and stores nothing twice. Prints the times it took (the
/// figures in docs/performance.md): dotnet test tests/MoodDJ.Rooms.Tests --filter HostedRoomVolumeTests
/// --logger "console;verbosity=detailed".
/// </summary>
public sealed class HostedRoomVolumeTests(ITestOutputHelper output)
{
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
        var t = await SyncOnce();
        output.WriteLine($"reconcile {N} up + {N} down (200-character texts, batch 200): {t.TotalMilliseconds:0} ms = {2 * N / t.TotalSeconds:0} messages/s");
        var again = await SyncOnce();
        output.WriteLine($"reconnect, nothing new (the {N} + {N} within the lookback go over again, skipped as held): {again.TotalMilliseconds:0} ms");
        // Each side holds the union once: N texts of each, none twice, and olivia's join notice. Her own
        // client may also have left: the 5,000 pulled messages are shown to her live one by one, and a
        // client that falls 256 notifications behind is dropped as a slow reader (a "left" notice), which
        // happened under CI load. That flood is a known limit (docs/protocol.md, "Rooms hosted by their users"); this test is about storage.
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
            Assert.True(ofHost.Count(m => m.Kind == MessageKind.Join) == 1 && ofHost.Count(m => m.Kind == MessageKind.Leave) <= 1 && ofCentral.All(m => m.Kind == MessageKind.Text), what);
        }
    }
}
