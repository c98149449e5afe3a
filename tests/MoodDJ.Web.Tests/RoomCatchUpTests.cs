using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Protocol;
using MoodDJ.Rooms;
using MoodDJ.Rooms.Control;
using MoodDJ.Rooms.Hosted;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Web.Tests;

/// <summary>
/// A hosted room's catch-up on the page: the page's host is remote to a central server (rooms with
/// hostedRegister and hostedPush, as `mooddj server` has them), the test is the hosting server and
/// pushes a batch over rooms:catchUpLiveMessages, and the page, told by roomHistoryGrew, shows the
/// newest page of it and pages back through the rest with "Load older messages".
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RoomCatchUpTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_page_shows_messages_that_arrived_as_a_history_grew_notice()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');
        var database = Path.Combine(Path.GetTempPath(), $"mooddj-catchup-{Guid.NewGuid():N}.db");
        string[] settings = ["--station:bind=127.0.0.1", "--station:controlPort=0", "--station:streamPort=0", "--station:heartbeatPort=0",
            "--station:resumeLastMood=false", $"--station:key={key}", $"--storage:path={database}", "--rooms:node=1"];
        try
        {
            await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, settings), NullLoggerFactory.Instance);
            await using var server = StationFactory.Create(engine);
            var options = RoomsSetup.Rooms(engine.Configuration);
            await using var store = await RoomsSetup.OpenStoreAsync(RoomsSetup.Storage(engine.Configuration));
            var rooms = new RoomControlMethods(store, options);
            server.AddControlMethods(rooms);
            server.AddControlMethods(new HostedRoomMethods(store, options, rooms));
            await server.StartAsync();
            var control = new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)server.ControlEndPoint).Port);

            // The hosting server's link, by hand: the owner logs in and registers the room (visitors welcome).
            await using var link = new StationClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
            {
                EndPoint = control, ClientName = "mooddj-host", HelloMethod = null, AutoReconnect = false, CallTimeout = TimeSpan.FromSeconds(30),
            });
            await link.ConnectAsync();
            await link.CallAsync(RoomMethods.Register, new { user = "olivia", password = "olivia password" });
            await link.CallAsync(RoomMethods.Login, new { user = "olivia", password = "olivia password" });
            await link.CallAsync(HostedMethods.Register, new { room = "den", owner = "olivia", endPoint = "127.0.0.1:5999", node = 2, allowVisitors = true });

            await using var host = await WebHostRunner.StartAsync(0, ["--web:station=remote", $"--web:server=127.0.0.1:{control.Port}", $"--station:key={key}"]);
            var page = await fixture.OpenAsync(host.Url);
            await page.FillAsync("#account-user", "rita");
            await page.FillAsync("#account-password", "correct horse battery");
            await page.ClickAsync("#register");
            await PageTests.Expect(page, "document.getElementById('account-name').textContent === 'rita'");
            await page.EvaluateAsync("window.mooddj.rooms.list()");
            await page.ClickAsync("#room-list button[aria-label=\"Join den\"]");
            await PageTests.Expect(page, "document.getElementById('chat-log').textContent.includes('rita joined')");

            // A catch-up batch of 40 (over the default rooms:catchUpLiveMessages, 20): one roomHistoryGrew, no roomMessage.
            var ids = new SnowflakeIds(2);
            var batch = Enumerable.Range(0, 40).Select(i => new
            {
                id = ids.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                room = "den", author = "olivia", kind = "text", text = $"caught up {i:00}", mentions = Array.Empty<string>(),
            }).ToList();
            var pushed = await link.CallAsync(HostedMethods.Push, new { room = "den", messages = batch });
            Assert.Equal(40, pushed.GetProperty("stored").GetInt32());

            await PageTests.Expect(page, "document.getElementById('chat-log').textContent.includes('caught up 39')");
            await PageTests.Expect(page, "document.getElementById('rooms-status').textContent.includes('History grew by 40 messages')");
            await PageTests.Expect(page, "!document.getElementById('older').hidden");
            Assert.Equal(25, await page.EvaluateAsync<int>("document.querySelectorAll('#chat-log li[data-kind=text]').length"));
            await page.ClickAsync("#older");
            await PageTests.Expect(page, "document.getElementById('chat-log').textContent.includes('caught up 00')");
            await PageTests.Expect(page, "document.getElementById('older').hidden");
            var lines = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('#chat-log li[data-kind=text]')].map(li => li.textContent.split(': ')[1])");
            Assert.Equal(Enumerable.Range(0, 40).Select(i => $"caught up {i:00}"), lines);
            Assert.Contains("rita joined", await page.TextContentAsync("#chat-log"));
            await page.Context.CloseAsync();
            await rooms.StopStationsAsync();
        }
        finally
        {
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
                try { File.Delete(file); } catch (IOException) { }
        }
    }
}
