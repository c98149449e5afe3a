using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Host.Web.Peers;
using MoodDJ.Host.Web.Stations;
using MoodDJ.Peers.Mesh;
using Xunit.Abstractions;
using static MoodDJ.Web.Tests.PageTests;

namespace MoodDJ.Web.Tests;

/// <summary>
/// The P2P panel against the live relay mesh of the host's in-process station: a real relaying
/// peer (StationPlayer + MeshPeerLink, as `mooddj peer` runs) on its own control session and UDP socket.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class P2PTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_mesh_peer_joining_appears_in_the_peer_list()
    {
        await using var host = await WebHostRunner.StartAsync();
        var page = await fixture.OpenAsync(host.Url);
        await page.ClickAsync("#discovery");
        await Expect(page, "document.getElementById('discovery').getAttribute('aria-pressed') === 'true'");
        await Expect(page, "document.getElementById('p2p-state').textContent.includes('0 peer(s)')");

        await using (var peer = await TestPeer.StartAsync(host, "second peer"))
        {
            await Expect(page, "document.getElementById('peers').textContent.includes('second peer')");
            // Its report (continuity, hops) reaches the station and the page within a few seconds.
            await Expect(page, "[...document.querySelectorAll('#peers li')].some(li => li.textContent.includes('second peer') && li.textContent.includes('hops 1') && !li.textContent.includes('continuity 0.0 %'))");
            Assert.Contains("1 peer(s)", await page.TextContentAsync("#p2p-state"));
            output.WriteLine(await page.TextContentAsync("#peers"));
        }

        await Expect(page, "!document.getElementById('peers').textContent.includes('second peer')");
        await page.ClickAsync("#discovery");
        await Expect(page, "document.getElementById('p2p-state').textContent === 'Discovery is off.'");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Start_P2P_stream_relays_through_the_mesh_and_shows_hops_and_continuity()
    {
        // The station feeds one peer itself: the host's peer must take the stream from the first one.
        await using var host = await WebHostRunner.StartAsync(settings: ["--station:maxDirectPeers=1"]);
        await using var first = await TestPeer.StartAsync(host, "first peer");
        await first.Player.FirstSamplePlayed.WaitAsync(TimeSpan.FromSeconds(30));
        var page = await fixture.OpenAsync(host.Url);
        await SendMoodAsync(page, "I feel happy"); // music, so the level meter moves
        await page.ClickAsync("#play");
        await Expect(page, "window.mooddj.audio.via === 'station' && document.getElementById('level').value > 0");

        await page.ClickAsync("#p2p-stream");
        await Expect(page, "document.getElementById('p2p-stream').getAttribute('aria-pressed') === 'true'");
        await Expect(page, "Number(document.getElementById('p2p-relay').dataset.hops) >= 1 && Number(document.getElementById('p2p-relay').dataset.continuity) > 0.5");
        var relay = (await page.TextContentAsync("#p2p-relay"))!;
        output.WriteLine(relay);
        Assert.Contains($"parents: #{first.Link.Relay.PeerId}", relay);
        Assert.Equal("2", await page.GetAttributeAsync("#p2p-relay", "data-hops"));
        Assert.Contains(first.Link.Relay.ChildIds, id => relay.Contains($"peer #{id}"));
        // The page's listening moved onto the peer: its audio socket reconnected through it, and sound flows.
        await Expect(page, "window.mooddj.audio.via === 'p2p'");
        var frames = await page.EvaluateAsync<int>("window.mooddj.audio.frames");
        await Expect(page, $"window.mooddj.audio.frames > {frames + 50} && document.getElementById('level').value > 0");
        output.WriteLine(await page.TextContentAsync("#audio-state") ?? "");
        // The page's pump-to-output latency through the peer (reported, not bounded: a loaded machine varies).
        await page.EvaluateAsync("window.mooddj.audio.latencies.length = 0");
        await Expect(page, "window.mooddj.audio.latencies.length >= 20", timeoutMs: 60_000);
        var latency = await page.EvaluateAsync<double>("[...window.mooddj.audio.latencies].sort((a, b) => a - b)[10]");
        output.WriteLine($"pump-to-output latency through the host's P2P peer (hops 2): median {latency:0} ms over 20 frames");

        await page.ClickAsync("#p2p-stream");
        await Expect(page, "document.getElementById('p2p-relay').textContent === '—'");
        await Expect(page, "window.mooddj.audio.via === 'station'");
        Assert.Equal("Start P2P stream", (await page.TextContentAsync("#p2p-stream"))!.Trim());
        await page.Context.CloseAsync();
    }

    /// <summary>A relaying peer of the host's station on its own control session (the same wiring as `mooddj peer`), playing nowhere.</summary>
    private sealed class TestPeer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private StationControlClient _control = null!;
        private Task _playing = Task.CompletedTask;

        public MeshPeerLink Link { get; private set; } = null!;
        public StationPlayer Player { get; private set; } = null!;

        public static async Task<TestPeer> StartAsync(WebHostRunner host, string name)
        {
            var engine = host.Services.GetRequiredService<MoodDJEngine>();
            var station = ((LocalStationLink)host.Services.GetRequiredService<IStationLink>()).Server;
            var peer = new TestPeer();
            peer._control = new StationControlClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)station.ControlEndPoint).Port),
                ClientName = name,
            });
            await peer._control.ConnectAsync();
            var control = peer._control;
            var link = peer.Link = new MeshPeerLink(control, new MeshPeerOptions());
            peer.Player = new StationPlayer(engine.StreamTransport, engine.Codec, new DiscardOutput(), IPAddress.Loopback,
                (port, ct) => link.SubscribeAsync(port, name, ct),
                new StationPlayerOptions { JitterDepth = TimeSpan.FromMilliseconds(600), ReportInterval = TimeSpan.FromSeconds(1) })
            {
                Unsubscribe = (token, ct) => control.UnsubscribeAsync(token, ct),
                Report = (report, ct) => control.ReportAsync(report, ct),
                Relay = link.Relay,
            };
            link.ReportFor(peer.Player);
            peer._playing = peer.Player.RunAsync(peer._stop.Token);
            return peer;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try { await _playing; }
            catch (OperationCanceledException) { }
            Link.Dispose();
            await _control.DisposeAsync();
        }
    }
}
