using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MoodDJ.Host.Console.Stations;
using MoodDJ.Rooms;
using MoodDJ.Rooms.Control;
using MoodDJ.Station;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj server`: runs one live station from the configuration until Ctrl+C. On its first start
/// it makes the station key (kept in the user's config folder); it prints the line a listener on
/// another machine pastes, then what happens: listeners, prompts, tracks, the egress rate.
/// </summary>
internal sealed class ServerCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var sdp = new Option<string?>("--sdp") { Description = "With station:multicastGroup set: where to write the group's SDP (it carries the group key; written 0600)." };
        var rtsp = new Option<bool>("--rtsp") { Description = "Also serve rtsp://host:8554/<station> in plain RTP for VLC, ffplay, mpv and GStreamer (unencrypted; rtsp:port changes the port)." };
        var central = new Option<string?>("--central")
        {
            Description = "Host this server's rooms for a central server, host:port (rooms:central:address; also set rooms:central:user and password, and a rooms:node of its own).",
        };
        var command = new Command("server", "Run a MoodDJ station: TCP control, UDP RTP/SRTP stream, UDP heartbeats. Ctrl+C stops it.") { sdp, rtsp, central };
        command.SetAction((parseResult, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parseResult.GetValue(sdp) is { } path)
                overrides["station:sdpPath"] = Path.GetFullPath(path);
            if (parseResult.GetValue(rtsp))
                overrides["rtsp:enabled"] = "true";
            if (parseResult.GetValue(central) is { } address)
                overrides["rooms:central:address"] = address;
            var key = new ServerKey();
            return CommandRunner.RunAsync(parseResult, globals, (context, token) => RunAsync(context, key, token), ct, overrides, prepare: key.Prepare);
        });
        return command;
    }

    /// <summary>The station's key: the configured one, else the one kept in the user's config folder (made on first start).</summary>
    private sealed class ServerKey
    {
        public string? Key { get; private set; }
        public bool Created { get; private set; }
        public string? File { get; private set; }

        public IReadOnlyDictionary<string, string?>? Prepare(Microsoft.Extensions.Configuration.IConfigurationRoot configuration)
        {
            if (!StationTarget.NeedsKey(configuration)) return null;
            if (StationTarget.ConfiguredKey(configuration) is { } configured)
            {
                Key = configured;
                return null;
            }
            var book = new StationBook(UserConfigFolder.Default());
            Key = book.ServerKey(out var created);
            Created = created;
            File = book.Folder.File(StationBook.KeyFile);
            return new Dictionary<string, string?> { ["station:key"] = Key };
        }
    }

    private static async Task<int> RunAsync(HostContext context, ServerKey key, CancellationToken ct)
    {
        var console = Terminal.Stdout();
        var log = context.LoggerFactory.CreateLogger("mooddj.server");
        var musicWarnings = new WarningTap("MoodDJ.Music");
        context.ShowWarningsThrough(musicWarnings);  // StationActivity prints them
        await using var station = StationFactory.Create(context.Engine, context.LoggerFactory);
        var encrypted = context.Engine.Crypto.IsEncrypted;
        if (!encrypted) // said once, by the log (a second console line repeated it)
            log.LogWarning("Crypto is 'none': control messages and audio travel in clear and anyone on the network can read or forge them. Use \"crypto\": \"aead\" outside a test bench.");
        // Rooms, accounts and chat share the control server; their database opens (and migrates) first.
        var rooms = RoomsSetup.Rooms(context.Configuration);
        var storage = RoomsSetup.Storage(context.Configuration);
        await using var store = rooms.Enabled ? await RoomsSetup.OpenStoreAsync(storage, ct) : null;
        RoomControlMethods? roomMethods = null;
        if (store is not null)
        {
            // Each room gets its own station on these ports when someone first joins it (rooms:maxRoomStations at once).
            var roomStations = new MoodDJ.Rooms.Stations.RoomStations(station,
                id => StationFactory.CreateStation(context.Engine, id, context.LoggerFactory), rooms.MaxRoomStations, log);
            roomStations.Started += (room, live) => StationEvents.Attach(live, store.Events, log, room.Name);
            roomMethods = new RoomControlMethods(store, rooms, context.LoggerFactory, stations: roomStations);
            station.AddControlMethods(roomMethods);
            // Any server may be a central one: its users' own servers list their rooms here (rooms:maxHostedRoomsPerUser; 0 refuses them).
            station.AddControlMethods(new MoodDJ.Rooms.Hosted.HostedRoomMethods(store, rooms, roomMethods, context.LoggerFactory.CreateLogger("mooddj.hosted")));
            foreach (var live in station.Router.Stations) StationEvents.Attach(live, store.Events, log);
        }
        await station.StartAsync(ct);

        var control = (IPEndPoint)station.ControlEndPoint;
        var bind = station.Options.BindAddress;
        var reachable = ReachableAddress.For(bind);
        var code = new JoinCode(reachable, control.Port, encrypted ? key.Key : null).Encode();
        // This machine's own commands (send, client, player) find the station with no arguments.
        var local = bind.Equals(IPAddress.Any) ? IPAddress.Loopback : bind;
        new StationBook(UserConfigFolder.Default()).Remember(local.ToString(), control.Port, encrypted ? key.Key : null);
        // Relaying peers meet in the station's swarm; the station lists itself on station:tracker (docs/protocol.md, "Tracker").
        station.Default.SwarmId = MoodDJ.Peers.StationSwarmId.For(station.Default.Id, $"{reachable}:{control.Port}");
        await using var announcer = station.Options.Tracker is { Length: > 0 } tracker
            ? new TrackerAnnouncer(tracker, station.Default.SwarmId, station.StreamEndPoint.Port, context.LoggerFactory.CreateLogger("mooddj.tracker"))
            : null;
        announcer?.Start();
        await using var seeding = CachedTrackSeeding.Start(context, bind, station.Options.Tracker, context.LoggerFactory.CreateLogger("mooddj.swarm"));
        if (seeding is not null)
            seeding.TrackShared += t => System.Console.Out.WriteLine($"{DateTime.Now:HH:mm:ss} seeding cached track {t.Name}: {t.ToMagnet()}");
        await using var rtspServer = StartRtsp(context, station);
        await using var centralLink = StartCentralLink(context, rooms, store, roomMethods, new IPEndPoint(reachable, control.Port), key.Key);

        var table = new Table().Border(TableBorder.Rounded).AddColumns("what", "where");
        table.AddRow("control (TCP, JSON-RPC)", Markup.Escape(control.ToString()));
        table.AddRow("stream (UDP, RTP" + (encrypted ? "/SRTP" : "") + ")", Markup.Escape(station.StreamEndPoint.ToString()));
        table.AddRow("heartbeats (UDP)", Markup.Escape(station.HeartbeatEndPoint.ToString()));
        if (announcer is not null)
            table.AddRow("tracker (swarm)", Markup.Escape($"{station.Options.Tracker} ({station.Default.SwarmId})"));
        if (seeding is not null)
            table.AddRow("cached tracks (TCP, BitTorrent)", Markup.Escape($"{bind}:{seeding.Port}, seeding {seeding.Folder}"));
        if (rtspServer is not null)
            table.AddRow("RTSP (TCP, plain RTP)", Markup.Escape(rtspServer.UrlFor(station.Default.Id, local) + (station.Router.Stations.Count > 1 ? "  (or /<station>)" : "")));
        if (await WriteMulticastSdpAsync(station, ct) is { } sdpPath)
        {
            table.AddRow("multicast group", Markup.Escape($"{station.Options.MulticastGroup}:{station.Options.MulticastPort}"));
            table.AddRow("multicast SDP (with its key)", Markup.Escape(sdpPath));
        }
        table.AddRow("format", Markup.Escape($"{context.Engine.Codec.EncodingName}, {station.Options.Format}, {station.Options.FrameMilliseconds} ms frames"));
        if (store is not null)
            table.AddRow("rooms and chat (storage)", Markup.Escape(storage.Provider == MoodDJ.Storage.StorageOptions.Postgres ? "postgresql" : $"sqlite {storage.DatabasePath}"));
        if (centralLink is not null)
            table.AddRow("rooms hosted for (central)", Markup.Escape($"{rooms.Central.Address} as {rooms.Central.User}, Snowflake node {rooms.Node}"));
        if (key.File is not null)
            table.AddRow("station key", Markup.Escape(key.Created ? $"new, kept in {key.File}" : key.File));
        console.Write(table);
        if (station.Options.SdpPath is { Length: > 0 } && station.DescribeMulticast() is null)
            console.WriteLine("--sdp: a unicast station has no shared SDP (each listener has its own key); outside players use `mooddj listen --sdp FILE`.");

        // Plain writes: a wrapped join line could not be pasted.
        System.Console.Out.WriteLine();
        System.Console.Out.WriteLine("On another machine, listen with:");
        System.Console.Out.WriteLine($"  mooddj player --join {code}");
        System.Console.Out.WriteLine($"Here: mooddj send \"I feel happy\"   ·   mooddj client   ·   mooddj player   ·   Ctrl+C stops.");
        if (IPAddress.IsLoopback(reachable) && !IPAddress.IsLoopback(bind))
            System.Console.Out.WriteLine("(no network interface is up, so the code carries 127.0.0.1: only this machine can join)");
        System.Console.Out.Flush();

        try
        {
            await new StationActivity(station, context.Engine.Codec.EncodingName, encrypted, musicWarnings).RunAsync(System.Console.Out, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        System.Console.Out.WriteLine("stopping the station…");
        // The rooms' stations first, while the database is open: their listeners' last spells are stored.
        if (roomMethods is not null) await roomMethods.StopStationsAsync();
        // Then the control server, still before the database closes: sessions closing now store their
        // rooms' "left" notices.
        await station.DisposeAsync();
        return 0;
    }

    /// <summary>
    /// With rooms:central:address set: the link that lists this server's rooms on the central server and
    /// syncs their history. A central key other than this server's own needs a crypto provider keyed
    /// with it, so a second engine is composed with that station:key (it only hands out the provider).
    /// </summary>
    private static CentralLinkScope? StartCentralLink(HostContext context, MoodDJ.Rooms.RoomsOptions rooms, MoodDJ.Storage.IMoodDJStore? store,
        RoomControlMethods? roomMethods, IPEndPoint own, string? ownKey)
    {
        if (!rooms.Central.Enabled || store is null || roomMethods is null) return null;
        MoodDJ.Hosting.MoodDJEngine? keyed = null;
        if (rooms.Central.Key is { Length: > 0 } centralKey && centralKey != ownKey)
        {
            // Checked here so the message names this key, not the station:key the second engine is given.
            if (!IsStationKey(centralKey))
                throw new UserFacingException("rooms:central:key is not a station key: give the central server's key "
                    + "(base64 of 32 bytes, as in its ~/.config/mooddj/station.key), or leave it empty to use this server's own.");
            var configuration = new ConfigurationBuilder()
                .AddConfiguration(context.Configuration)
                .AddInMemoryCollection(new Dictionary<string, string?> { ["station:key"] = centralKey, ["plugins:hotReload"] = "false" })
                .Build();
            keyed = MoodDJ.Hosting.MoodDJEngine.Start(configuration, context.LoggerFactory);
        }
        var engine = keyed ?? context.Engine;
        var link = new MoodDJ.Rooms.Hosted.CentralLink(store, rooms, roomMethods, engine.ControlTransport, engine.Crypto, own,
            context.LoggerFactory.CreateLogger("mooddj.central"));
        link.Start();
        return new CentralLinkScope(link, keyed);
    }

    private static bool IsStationKey(string text)
    {
        var normalized = text.Trim().Replace('-', '+').Replace('_', '/').TrimEnd('=');
        try { return Convert.FromBase64String(normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=')).Length == 32; }
        catch (FormatException) { return false; }
    }

    private sealed class CentralLinkScope(MoodDJ.Rooms.Hosted.CentralLink link, MoodDJ.Hosting.MoodDJEngine? keyed) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await link.DisposeAsync();
            if (keyed is not null) await keyed.DisposeAsync();
        }
    }

    /// <summary>The RTSP endpoint when rtsp:enabled (or --rtsp) asks for it; it warns that its RTP is plain.</summary>
    private static MoodDJ.Station.Rtsp.RtspServer? StartRtsp(HostContext context, StationServer station)
    {
        var options = MoodDJ.Station.Rtsp.RtspOptions.From(context.Configuration);
        if (!options.Enabled) return null;
        var server = new MoodDJ.Station.Rtsp.RtspServer(station.Router, options, station.Options.BindAddress, context.LoggerFactory.CreateLogger("mooddj.rtsp"));
        server.Start(); // it warns, once, that its RTP is plain
        return server;
    }

    /// <summary>A multicast group's SDP is the same for every receiver, so it can be a file; unicast streams cannot.</summary>
    private static async Task<string?> WriteMulticastSdpAsync(StationServer station, CancellationToken ct)
    {
        if (station.DescribeMulticast() is not { } sdp) return null;
        var path = station.Options.SdpPath is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), $"mooddj-multicast-{station.Options.MulticastPort}.sdp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
            await writer.WriteAsync(sdp.AsMemory(), ct);
        return path;
    }
}
