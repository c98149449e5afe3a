using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Rooms.Control;
using MoodDJ.Station;

namespace MoodDJ.Rooms.Tests;

/// <summary>
/// A real station server on 127.0.0.1 (ports 0, aead crypto) from the real plugins, with the room
/// methods on its control server and a SQLite store in a temporary folder.
/// </summary>
internal sealed class RoomServerHarness : IAsyncDisposable
{
    private static readonly string StationKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly TempStore _db;

    private RoomServerHarness(MoodDJEngine engine, StationServer server, TempStore db, RoomControlMethods rooms, Hosted.HostedRoomMethods? hosted = null)
    {
        Hosted = hosted;
        Engine = engine;
        Server = server;
        _db = db;
        Rooms = rooms;
    }

    public MoodDJEngine Engine { get; }
    public StationServer Server { get; }
    public RoomControlMethods Rooms { get; }
    public TempStore Db => _db;
    /// <summary>The central side of hosted rooms (when started with central: true).</summary>
    public Hosted.HostedRoomMethods? Hosted { get; }

    /// <param name="reopen">A folder whose database an earlier harness left (a restarted server keeps its data).</param>
    /// <param name="central">Also answer hostedRegister, hostedPush and hostedPull (a central server for hosted rooms).</param>
    public static async Task<RoomServerHarness> StartAsync(RoomsOptions? options = null, string? reopen = null, int controlPort = 0, bool central = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["plugins:folder"] = PluginFolder(),
            ["use:moodAnalyzer"] = "lexicon",
            ["use:musicSources:0"] = "generator",
            ["use:codec"] = "pcm",
            ["use:crypto"] = "aead",
            ["use:controlTransport"] = "tcp",
            ["use:streamTransport"] = "udp",
            ["use:audioOutput"] = "null",
            ["station:key"] = StationKey,
            ["station:bind"] = "127.0.0.1",
            ["station:controlPort"] = controlPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["station:streamPort"] = "0",
            ["station:heartbeatPort"] = "0",
            ["station:resumeLastMood"] = "false",
            // The tests' listeners send no heartbeats: keep them long enough for a slow, loaded run.
            ["station:listenerExpirySeconds"] = "60",
            ["music:preferencesFile"] = "none",
        };
        var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray()), NullLoggerFactory.Instance);
        var db = reopen is null ? await TempStore.CreateAsync() : await TempStore.ReopenAsync(reopen);
        options ??= new RoomsOptions();
        var server = StationFactory.Create(engine);
        var stations = new Stations.RoomStations(server, id => StationFactory.CreateStation(engine, id), options.MaxRoomStations);
        var rooms = new RoomControlMethods(db.Store, options, stations: stations);
        server.AddControlMethods(rooms);
        var hosted = central ? new Hosted.HostedRoomMethods(db.Store, options, rooms) : null;
        if (hosted is not null) server.AddControlMethods(hosted);
        await server.StartAsync();
        return new RoomServerHarness(engine, server, db, rooms, hosted);
    }

    /// <param name="sayHello">False: the test says hello itself (e.g. with an earlier resume token).</param>
    /// <param name="reconnect">True: the client reconnects by itself when the connection drops.</param>
    public async Task<RoomClient> ConnectAsync(string name, string? station = null, bool sayHello = true, bool reconnect = false)
    {
        var client = new StationClient(Engine.ControlTransport, Engine.Crypto, new StationClientOptions
        {
            EndPoint = Server.ControlEndPoint,
            ClientName = name,
            CallTimeout = TimeSpan.FromSeconds(30),
            AutoReconnect = reconnect,
            Station = station,
            HelloMethod = sayHello ? Protocol.StationMethods.Hello : null,
        });
        var rc = new RoomClient(client);
        await client.ConnectAsync();
        return rc;
    }

    private static string PluginFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln")))
                return Path.Combine(dir.FullName, "artifacts", "plugins");
        throw new InvalidOperationException("Cannot find MoodDJ.sln above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Rooms.StopStationsAsync();
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
        await _db.DisposeAsync();
    }
}

/// <summary>A control client that keeps the room notifications it hears.</summary>
internal sealed class RoomClient : IAsyncDisposable
{
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<JsonElement> _presence = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<JsonElement> _grew = Channel.CreateUnbounded<JsonElement>();

    public RoomClient(StationClient client)
    {
        Client = client;
        client.NotificationReceived += n =>
        {
            if (n.Method == Protocol.RoomMethods.RoomMessage) _messages.Writer.TryWrite(n.Params);
            if (n.Method == Protocol.RoomMethods.RoomPresence) _presence.Writer.TryWrite(n.Params);
            if (n.Method == Protocol.RoomMethods.RoomHistoryGrew) _grew.Writer.TryWrite(n.Params);
        };
    }

    public StationClient Client { get; }

    public Task<JsonElement> CallAsync(string method, object? parameters = null) => Client.CallAsync(method, parameters);

    /// <summary>Registers and logs in <paramref name="user"/> (password: the name and " password").</summary>
    public async Task<JsonElement> SignUpAsync(string user)
    {
        await CallAsync(Protocol.RoomMethods.Register, new { user, password = user + " password" });
        return await CallAsync(Protocol.RoomMethods.Login, new { user, password = user + " password" });
    }

    public async Task<JsonElement> NextMessageAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await _messages.Reader.ReadAsync(timeout.Token);
    }

    public async Task<JsonElement> NextPresenceAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await _presence.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The roomMessage and roomHistoryGrew notifications heard so far (taken: a second call returns only later ones).</summary>
    public (List<JsonElement> Messages, List<JsonElement> Grew) TakeHeard()
    {
        var messages = new List<JsonElement>();
        var grew = new List<JsonElement>();
        while (_messages.Reader.TryRead(out var m)) messages.Add(m);
        while (_grew.Reader.TryRead(out var g)) grew.Add(g);
        return (messages, grew);
    }

    /// <summary>Nothing more arrives within <paramref name="wait"/>.</summary>
    public async Task AssertQuietAsync(TimeSpan wait)
    {
        await Task.Delay(wait);
        Assert.False(_messages.Reader.TryRead(out var extra), $"unexpected roomMessage {extra}");
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
