using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Station;
using Xunit.Abstractions;

namespace MoodDJ.Web.Tests;

/// <summary>The host controlling a station in another server (web:station = remote) instead of its own.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RemoteStationTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_page_controls_and_plays_a_remote_station()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');
        string[] station = ["--station:bind=127.0.0.1", "--station:controlPort=0", "--station:streamPort=0", "--station:heartbeatPort=0", "--station:resumeLastMood=false", $"--station:key={key}"];
        await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, station), NullLoggerFactory.Instance);
        await using var server = StationFactory.Create(engine);
        await server.StartAsync();
        var control = (System.Net.IPEndPoint)server.ControlEndPoint;

        await using var host = await WebHostRunner.StartAsync(0, ["--web:station=remote", $"--web:server=127.0.0.1:{control.Port}", $"--station:key={key}"]);
        var page = await fixture.OpenAsync(host.Url);
        await PageTests.SendMoodAsync(page, "I feel sad and lonely");
        await PageTests.Expect(page, "document.getElementById('reading-label').textContent === 'sad'");
        Assert.Equal("sad", server.Mood?.Label.ToString().ToLowerInvariant());

        await page.ClickAsync("#play");
        await PageTests.Expect(page, "document.getElementById('level').value > 0");
        await PageTests.Expect(page, "document.getElementById('listeners').textContent.includes(window.mooddj.audio.name)");
        Assert.Single(server.Listeners.Snapshot);
        output.WriteLine(await page.TextContentAsync("#connection"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_page_has_the_remote_servers_rooms_and_chat()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');
        var database = Path.Combine(Path.GetTempPath(), $"mooddj-remote-rooms-{Guid.NewGuid():N}.db");
        string[] station = ["--station:bind=127.0.0.1", "--station:controlPort=0", "--station:streamPort=0", "--station:heartbeatPort=0", "--station:resumeLastMood=false",
            $"--station:key={key}", $"--storage:path={database}"];
        try
        {
            await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, station), NullLoggerFactory.Instance);
            await using var server = StationFactory.Create(engine);
            // The remote server's rooms, as `mooddj server` sets them up.
            await using var rooms = await MoodDJ.Host.Web.Rooms.LocalRooms.AttachAsync(engine, server, NullLoggerFactory.Instance, CancellationToken.None);
            await server.StartAsync();
            var control = (System.Net.IPEndPoint)server.ControlEndPoint;

            await using var host = await WebHostRunner.StartAsync(0, ["--web:station=remote", $"--web:server=127.0.0.1:{control.Port}", $"--station:key={key}"]);
            var page = await fixture.OpenAsync(host.Url);
            await page.FillAsync("#account-user", "remote-rita");
            await page.FillAsync("#account-password", "correct horse battery");
            await page.ClickAsync("#register");
            await PageTests.Expect(page, "document.getElementById('account-name').textContent === 'remote-rita'");
            await page.FillAsync("#create-name", "far-lounge");
            await page.ClickAsync("#create");
            await PageTests.Expect(page, "document.getElementById('chat-room-name').textContent === 'far-lounge'");
            await page.FillAsync("#say-text", "hello from the web host");
            await page.PressAsync("#say-text", "Enter");
            await PageTests.Expect(page, "document.getElementById('chat-log').textContent.includes('hello from the web host')");

            var room = await rooms!.Methods.Rooms.GetAsync("far-lounge");
            var history = await rooms.Methods.Chat.HistoryAsync(room, null, 10);
            Assert.Contains(history.Messages, m => m.Body == "hello from the web host" && m.Author == "remote-rita");
            await page.Context.CloseAsync();
        }
        finally
        {
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
                try { File.Delete(file); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_page_is_served_while_the_remote_station_is_down_and_connects_when_it_starts()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');
        var port = WebHostRunner.FreePort();
        await using var host = await WebHostRunner.StartAsync(0, ["--web:station=remote", $"--web:server=127.0.0.1:{port}", $"--station:key={key}"]);
        var page = await fixture.OpenAsync(host.Url);
        await PageTests.Expect(page, "document.getElementById('connection').textContent.includes('station Disconnected')");

        string[] station = ["--station:bind=127.0.0.1", $"--station:controlPort={port}", "--station:streamPort=0", "--station:heartbeatPort=0", "--station:resumeLastMood=false", $"--station:key={key}"];
        await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, station), NullLoggerFactory.Instance);
        await using var server = StationFactory.Create(engine);
        await server.StartAsync();

        // The host retries at most every 3 s; a loaded machine also takes a while to start the station.
        await PageTests.Expect(page, "document.getElementById('connection').textContent.startsWith('Connected')", 60_000);
        await PageTests.SendMoodAsync(page, "I feel calm");
        await PageTests.Expect(page, "document.getElementById('reading-label').textContent === 'calm'");
        await page.Context.CloseAsync();
    }
}
