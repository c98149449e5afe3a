using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Peers.Mesh;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// A real station on 127.0.0.1 (ports 0, aead crypto, the generator source, L16) composed by the
/// real engine from the built plugins, and relaying peers made as `mooddj peer` makes them: a
/// control client, a <see cref="StationPlayer"/> and a <see cref="MeshRelay"/>.
/// </summary>
internal sealed class MeshHarness : IAsyncDisposable
{
    private readonly List<MeshTestPeer> _peers = [];

    private MeshHarness(MoodDJEngine engine, StationServer server)
    {
        Engine = engine;
        Server = server;
    }

    public MoodDJEngine Engine { get; }

    public StationServer Server { get; }

    public LiveStation Station => Server.Router.Default!;

    public IReadOnlyList<MeshTestPeer> Peers => _peers;

    /// <summary>
    /// Whether its peers play on the station's schedule (the product's default, and what every test here uses;
    /// false makes them play as soon as buffered).
    /// </summary>
    public bool SynchronizedPeers { get; init; } = true;

    public static async Task<MeshHarness> StartAsync(int maxDirectPeers, Action<Dictionary<string, string?>>? configure = null, bool synchronizedPeers = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["plugins:folder"] = Path.Combine(MoodDJ.Testing.RepoPaths.Root, "artifacts", "plugins"),
            ["use:moodAnalyzer"] = "lexicon",
            ["use:musicSources:0"] = "generator",
            ["use:codec"] = "pcm",
            ["use:crypto"] = "aead",
            ["use:controlTransport"] = "tcp",
            ["use:streamTransport"] = "udp",
            ["use:audioOutput"] = "null",
            ["plugins:settings:generator:seed"] = "7",
            ["station:key"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["station:bind"] = "127.0.0.1",
            ["station:controlPort"] = "0",
            ["station:streamPort"] = "0",
            ["station:heartbeatPort"] = "0",
            ["station:resumeLastMood"] = "false",
            ["station:maxDirectPeers"] = maxDirectPeers.ToString(),
            ["music:preferencesFile"] = "none",
        };
        configure?.Invoke(settings);
        var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray()), NullLoggerFactory.Instance);
        var server = StationFactory.Create(engine, NullLoggerFactory.Instance);
        await server.StartAsync();
        return new MeshHarness(engine, server) { SynchronizedPeers = synchronizedPeers };
    }

    public async Task<StationControlClient> ConnectAsync(string name)
    {
        var client = new StationControlClient(Engine.ControlTransport, Engine.Crypto, new StationClientOptions
        {
            EndPoint = Server.ControlEndPoint,
            ClientName = name,
            CallTimeout = TimeSpan.FromSeconds(20),
        });
        await client.ConnectAsync();
        return client;
    }

    /// <summary>Starts a relaying peer; it plays into a counting output.</summary>
    /// <param name="transport">The peer's sockets (a lossy one, say); the engine's UDP transport by default.</param>
    /// <param name="candidates">Replaces the candidate parents the station hands out (at subscribe and on each meshParents answer), as a discovery plugin would add its own.</param>
    public async Task<MeshTestPeer> AddPeerAsync(MeshPeerOptions options, TimeSpan? jitter = null, Action<long, ReadOnlyMemory<float>>? onPlayout = null,
        MoodDJ.Abstractions.Transport.IStreamTransport? transport = null, Func<IReadOnlyList<MeshCandidateDto>, IReadOnlyList<MeshCandidateDto>>? candidates = null)
    {
        var name = $"peer{_peers.Count + 1}";
        var control = await ConnectAsync(name);
        var peer = new MeshTestPeer(name, control, options, Engine, jitter ?? TimeSpan.FromMilliseconds(1000), onPlayout, transport, SynchronizedPeers, candidates);
        _peers.Add(peer);
        peer.Start();
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers) await peer.DisposeAsync();
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
    }
}

/// <summary>One in-process `mooddj peer`.</summary>
internal sealed class MeshTestPeer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StationControlClient _control;
    private Task? _running;

    public MeshTestPeer(string name, StationControlClient control, MeshPeerOptions options, MoodDJEngine engine, TimeSpan jitter,
        Action<long, ReadOnlyMemory<float>>? onPlayout = null, MoodDJ.Abstractions.Transport.IStreamTransport? transport = null, bool synchronized = true,
        Func<IReadOnlyList<MeshCandidateDto>, IReadOnlyList<MeshCandidateDto>>? candidates = null)
    {
        Name = name;
        _control = control;
        Output = new CountingOutput();
        Relay = new MeshRelay(options, candidates is null
            ? (token, newest, ct) => control.MeshParentsAsync(token, newest, ct)
            : async (token, newest, ct) => await control.MeshParentsAsync(token, newest, ct) is var a ? a with { Candidates = candidates(a.Candidates) } : null!)
        {
            ReportNow = ct => Player!.Subscription is { } s ? control.ReportAsync(Report(s.Token), ct) : Task.CompletedTask,
        };
        Player = new StationPlayer(transport ?? engine.StreamTransport, engine.Codec, Output, IPAddress.Loopback,
            async (port, ct) =>
            {
                var result = await control.SubscribeAsync(new SubscribeParams(port, Name: name, Relay: options.MaxChildren), ct);
                return candidates is not null && result.Mesh is { } mesh ? result with { Mesh = mesh with { Candidates = candidates(mesh.Candidates) } } : result;
            },
            new StationPlayerOptions { JitterDepth = jitter, ReportInterval = TimeSpan.FromMilliseconds(500), OnPlayout = onPlayout, Synchronized = synchronized })
        {
            Relay = Relay,
            Report = (report, ct) => control.ReportAsync(report, ct),
        };
        control.MeshKeyAnnounced += Relay.OnKey;
        control.MeshProbeRequested += Relay.OnProbe;
    }

    public string Name { get; }

    public MeshRelay Relay { get; }

    public StationPlayer Player { get; }

    public CountingOutput Output { get; }

    public bool Stopped => _stop.IsCancellationRequested;

    public void Start() => _running = Player.RunAsync(_stop.Token);

    /// <summary>Frames played from packets and concealed, from the player's own counters.</summary>
    public (long Played, long Concealed) Counts
    {
        get
        {
            var s = Player.Stats;
            return (s.Played, s.Concealed);
        }
    }

    private ReportParams Report(string token)
    {
        var s = Player.Stats;
        return new ReportParams(token, s.Received, s.Lost, s.Late, (int)s.Buffered.TotalMilliseconds, (int)s.Target.TotalMilliseconds, Relay.DescribeMesh());
    }

    /// <summary>Stops the peer; with LeaveGracefully false in its options this is a crash as its children see it.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        if (_running is not null)
        {
            try { await _running; } catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _control.DisposeAsync();
        Relay.Dispose();
    }
}

/// <summary>An output that only counts samples and notes whether any was not silence.</summary>
internal sealed class CountingOutput : IAudioOutput, IAudioPlayback
{
    private long _samples, _loud, _marked;

    /// <summary>The L16 sample value a forging relay writes (0x3039); genuine music never holds it for long.</summary>
    public const float Marker = 12345f / 32768f;

    /// <summary>Samples equal to <see cref="Marker"/>: a forged frame that was played.</summary>
    public long MarkedSamples => Interlocked.Read(ref _marked);

    public AudioFormat Format { get; private set; }

    public long Samples => Interlocked.Read(ref _samples);

    public long LoudSamples => Interlocked.Read(ref _loud);

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        Format = format;
        return ValueTask.FromResult<IAudioPlayback>(this);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        var loud = 0;
        var marked = 0;
        foreach (var s in samples.Span)
        {
            if (Math.Abs(s) > 1e-3f) loud++;
            if (s == Marker) marked++;
        }
        Interlocked.Add(ref _marked, marked);
        Interlocked.Add(ref _samples, samples.Length);
        Interlocked.Add(ref _loud, loud);
        return ValueTask.CompletedTask;
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
