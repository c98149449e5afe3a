using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using MoodDJ.Client;
using MoodDJ.Peers.Mesh;
using MoodDJ.Testing;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Bench;

/// <summary>
/// The peer side of mesh-swarm (run by it as a child process): N players (pull) or relaying peers
/// (mesh) on lossy sockets, started 50 ms apart. Prints "measuring" once all have sound and a 3 s
/// warm-up has passed, then after the window one JSON line of per-peer figures.
/// </summary>
public sealed class MeshSwarmPeersScenario : IBenchScenario
{
    public string Name => "mesh-swarm-peers";

    public async Task<int> RunAsync(string[] args)
    {
        var station = IPEndPoint.Parse(args[0]);
        var (key, mode, count) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        var loss = double.Parse(args[4], CultureInfo.InvariantCulture);
        var seconds = int.Parse(args[5], CultureInfo.InvariantCulture);
        await using var engine = StationBenchSupport.StartEngine("aead", ("station:key", key));
        using var stop = new CancellationTokenSource();
        var peers = new List<BenchPeer>();
        for (var i = 0; i < count; i++)
        {
            var control = StationBenchSupport.Client(engine, station, $"peer{i + 1}");
            await control.ConnectAsync();
            var transport = new LossyStreamTransport(engine.StreamTransport, loss, seed: i + 1);
            peers.Add(new BenchPeer($"peer{i + 1}", control, engine.Codec, transport, mode == "mesh", stop.Token));
            await Task.Delay(50);
        }
        var deadline = Stopwatch.StartNew();
        while (peers.Any(p => p.FirstSoundMs is null) && deadline.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(100);
        await Task.Delay(3000);
        var before = peers.Select(p => p.Player.Stats).ToArray();
        Console.WriteLine("measuring");
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var figures = peers.Select((p, i) =>
        {
            var (a, b) = (before[i], p.Player.Stats);
            var played = b.Played - a.Played;
            var concealed = b.Concealed - a.Concealed;
            var continuity = played + concealed == 0 ? 0 : (double)played / (played + concealed);
            return new MeshSwarmScenario.PeerFigures(continuity, p.Relay?.Stats.Hops ?? 1, p.FirstSoundMs ?? double.NaN);
        }).ToArray();
        Console.WriteLine(JsonSerializer.Serialize(figures));
        stop.Cancel();
        foreach (var peer in peers) await peer.DisposeAsync();
        return 0;
    }

    /// <summary>One player, relaying when <c>relay</c>; its output only notes the first sound.</summary>
    private sealed class BenchPeer : IAsyncDisposable
    {
        private readonly StationControlClient _control;
        private readonly Task _running;
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly FirstSoundOutput _output = new();

        public BenchPeer(string name, StationControlClient control, MoodDJ.Abstractions.Codecs.IAudioCodec codec,
            MoodDJ.Abstractions.Transport.IStreamTransport transport, bool relay, CancellationToken stop)
        {
            _control = control;
            if (relay)
            {
                Relay = new MeshRelay(new MeshPeerOptions(), (token, newest, ct) => control.MeshParentsAsync(token, newest, ct));
                control.MeshKeyAnnounced += Relay.OnKey;
                control.MeshProbeRequested += Relay.OnProbe;
            }
            Player = new StationPlayer(transport, codec, _output, IPAddress.Loopback,
                (port, ct) => control.SubscribeAsync(new SubscribeParams(port, Name: name, Relay: relay ? 4 : null), ct),
                new StationPlayerOptions { JitterDepth = TimeSpan.FromMilliseconds(200) })
            {
                Relay = Relay,
            };
            _running = Player.RunAsync(stop);
        }

        public StationPlayer Player { get; }
        public MeshRelay? Relay { get; }

        public double? FirstSoundMs => _output.FirstSound is var t and >= 0 ? Stopwatch.GetElapsedTime(_started, t).TotalMilliseconds : null;

        public async ValueTask DisposeAsync()
        {
            try { await _running; } catch (OperationCanceledException) { }
            await _control.DisposeAsync();
            Relay?.Dispose();
        }
    }
}
