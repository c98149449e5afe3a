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
