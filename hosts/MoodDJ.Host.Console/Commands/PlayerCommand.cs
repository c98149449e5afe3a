using System.CommandLine;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Host.Console.Stations;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj player`: subscribes to a running station, plays its stream into an output (ALSA, a WAV
/// file, stdout or nothing), shows live stats, waits for a station that is not up yet, and comes
/// back by itself after the station restarts. Several players on one machine each get a free port.
/// </summary>
internal sealed class PlayerCommand : ICliCommand
{
    private readonly bool _relay;

    public PlayerCommand() { }

    /// <summary>With <paramref name="relay"/>, the same player as `mooddj peer`: it also relays to other peers (docs/protocol.md, "Live relay mesh").</summary>
    internal PlayerCommand(bool relay) => _relay = relay;

    public Command Create(GlobalOptions globals)
    {
        var port = new Option<int>("--port", "-p") { Description = "Local UDP port to receive the stream on (default 0: a free one).", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output", "-o") { Description = "Audio output plugin: alsa, wav, stdout or null (default: alsa when a sound card exists, else wav)." };
        var server = StationTarget.ServerOption();
        var join = StationTarget.JoinOption();
        var jitter = new Option<int>("--jitter-ms") { Description = "Audio the jitter buffer holds before playing.", DefaultValueFactory = _ => 60 };
        var latency = new Option<int>("--latency-ms") { Description = "This device's own output latency (e.g. 150 for a Bluetooth speaker): audio is written that much earlier, so it is heard in sync with the other listeners.", DefaultValueFactory = _ => 0 };
        var noSync = new Option<bool>("--no-sync") { Description = "Play each frame as soon as it is buffered instead of in sync with the station's other listeners (player:synchronized=false)." };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No live stats; one summary line at the end." };
        var name = new Option<string?>("--name") { Description = "How the station shows this listener (and what `client` /volume NAME and /mute NAME use); default: player USER@HOST." };
        var maxChildren = new Option<int?>("--max-children") { Description = "Peers this peer relays to at most (default peer:maxChildren, 4)." };
        var parents = new Option<int?>("--parents") { Description = "Parents to take the stream from at once, 1 or 2 (default peer:parents, 1)." };
        var room = new Option<string?>("--room") { Description = "Listen to this room's own station (as the user `mooddj client` last logged in as, or as a visitor where the room lets visitors in)." };
        var command = _relay
            ? new Command("peer", "Listen to a running station like `mooddj player` and relay its signed stream to other peers (the live mesh).")
                { port, output, server, join, jitter, latency, noSync, seconds, quiet, name, maxChildren, parents }
            : new Command("player", "Listen to a running station: subscribe, receive RTP/SRTP, play, show loss and buffer stats.")
                { port, output, server, join, jitter, latency, noSync, seconds, quiet, name, room };
        if (_relay) jitter.DefaultValueFactory = _ => 600;
        command.SetAction((parseResult, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            var outputName = parseResult.GetValue(output);
            if (outputName is not null)
                overrides["use:audioOutput"] = outputName;
            if (parseResult.GetValue(noSync))
                overrides["player:synchronized"] = "false";
            var target = new StationTarget(parseResult, server, join);
            string? notice = null;
            return CommandRunner.RunAsync(parseResult, globals, (context, token) => RunAsync(context, target, new PlayerArguments(
                parseResult.GetValue(port), parseResult.GetValue(jitter), parseResult.GetValue(seconds), parseResult.GetValue(quiet), notice, parseResult.GetValue(name),
                _relay, parseResult.GetValue(maxChildren), parseResult.GetValue(parents), parseResult.GetValue(latency), _relay ? null : parseResult.GetValue(room)), token),
                ct, overrides, prepare: configuration =>
                {
                    var prepared = new Dictionary<string, string?>(target.Prepare(configuration) ?? new Dictionary<string, string?>());
                    notice = ChooseOutput(configuration, prepared, outputName);
                    return prepared;
                });
        });
        return command;
    }

    private sealed record PlayerArguments(int Port, int JitterMs, double? Seconds, bool Quiet, string? OutputNotice, string? Name,
        bool Relay = false, int? MaxChildren = null, int? Parents = null, int LatencyMs = 0, string? Room = null);

    /// <summary>
    /// With no --output and no use:audioOutput of the user's own: the speakers when the machine has
    /// a sound card, else a WAV file. A WAV file is player.wav unless wavPath says otherwise, and
    /// the player says in one line where it goes.
    /// </summary>
    private static string? ChooseOutput(IConfigurationRoot configuration, Dictionary<string, string?> prepared, string? outputName)
    {
        var chosen = outputName is not null || configuration.Providers.Skip(1).Any(p => p.TryGet("use:audioOutput", out _));
        var name = outputName ?? configuration["use:audioOutput"];
        string? why = null;
        if (!chosen)
        {
            if (HasSoundCard())
            {
                prepared["use:audioOutput"] = "alsa";
                return null;
            }
            prepared["use:audioOutput"] = name = "wav";
            why = "no sound card: ";
        }
        if (!string.Equals(name, "wav", StringComparison.OrdinalIgnoreCase)) return null;
        var wav = configuration["plugins:settings:outputs:wavPath"];
        if (wav is null)
            prepared["plugins:settings:outputs:wavPath"] = wav = "player.wav";
        return $"{why}writing the music to {Path.GetFullPath(wav)}" + (why is null ? "" : " (choose with --output alsa|wav|stdout|null)");
    }

    /// <summary>ALSA lists its cards in /proc/asound/cards ("--- no soundcards ---" when none).</summary>
    internal static bool HasSoundCard()
    {
        try
        {
            return File.ReadLines("/proc/asound/cards").Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*\d+\s+\["));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<int> RunAsync(HostContext context, StationTarget target, PlayerArguments args, CancellationToken ct)
    {
        if (args.Port is < 0 or > 65535)
            throw new UserFacingException($"--port must be 0..65535, not {args.Port}.");
        if (args.JitterMs is < 0 or > 5000)
            throw new UserFacingException($"--jitter-ms must be 0..5000, not {args.JitterMs}.");
        if (args.LatencyMs is < 0 or > 5000)
            throw new UserFacingException($"--latency-ms must be 0..5000, not {args.LatencyMs}.");
        if (args.Seconds is { } limit && (!double.IsFinite(limit) || limit <= 0))
            throw new UserFacingException($"--seconds must be positive, not {limit}.");
        if (args.Name is { } listenerName && (listenerName.Trim().Length == 0 || listenerName.Length > 100))
            throw new UserFacingException("--name must be 1..100 characters.");
        var synchronized = Synchronized(context.Configuration);
        var console = ErrorConsole.Create();
        if (args.OutputNotice is { } notice)
            console.WriteLine(notice);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (args.Seconds is { } seconds)
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));

        var endPoint = target.EndPoint;
        var engine = context.Engine;
        await using var client = new StationClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
        {
            EndPoint = endPoint,
            ClientName = $"{(args.Relay ? "peer" : "player")} {Environment.UserName}@{Environment.MachineName}",
        }, context.Verbose ? context.LoggerFactory.CreateLogger<StationClient>() : null);
        await using var control = new StationControlClient(client, ownsConnection: false);
        var view = new PlayerView();
        client.NotificationReceived += view.OnNotification;
        try
        {
            await ConnectWaitingAsync(client, endPoint, console, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            console.WriteLine($"the station at {endPoint} never answered.");
            return ct.IsCancellationRequested ? CommandRunner.Interrupted : CommandRunner.Failed;
        }
        if (args.Room is { } roomName)
            console.WriteLine($"listening to room '{roomName}' as {await RoomLogin.JoinForPlayerAsync(client, roomName, console.WriteLine, stop.Token)}");
        else if (StationText.Member(client.LastHello, "nowPlaying") is { } first)
            view.SetNowPlaying(first);
        var stationHost = endPoint is IPEndPoint ip ? ip.Address
            : (await Dns.GetHostAddressesAsync(((DnsEndPoint)endPoint).Host, ct)).First();

        await using var discovery = args.Relay ? MeshDiscovery.Create(engine, stationHost, context.LoggerFactory.CreateLogger("mooddj.peer")) : null;
        using var peer = args.Relay ? PeerSettings.CreateRelay(context, control, args.MaxChildren, args.Parents, discovery) : null;
        var relay = peer?.Relay;
        var player = new StationPlayer(engine.StreamTransport, engine.Codec, engine.AudioOutput(), stationHost,
            (port, token) => peer is not null ? peer.SubscribeAsync(port, args.Name, token) : control.SubscribeAsync(new SubscribeParams(port, Name: args.Name), token),
            new StationPlayerOptions
            {
                Port = args.Port,
                Bind = IPAddress.IsLoopback(stationHost) ? IPAddress.Loopback : IPAddress.Any,
                JitterDepth = TimeSpan.FromMilliseconds(args.JitterMs),
                OutputLatency = TimeSpan.FromMilliseconds(args.LatencyMs),
                Synchronized = synchronized,
            },
            context.Verbose ? context.LoggerFactory.CreateLogger<StationPlayer>() : null)
        {
            CodecFor = engine.CodecFor,   // the player follows the codec the station announces
            // Besides the leave datagram: the station drops this listener at once when the output fails.
            Unsubscribe = (token, ct) => control.UnsubscribeAsync(token, ct),
            // Every 5 s the station hears this player's loss and buffer (the server console shows them).
            Report = (report, ct) => control.ReportAsync(report, ct),
            Relay = relay,
        };
        view.Relay = relay;
        peer?.ReportFor(player);
        // /volume and /mute from any client reach this player through the station's volume event.
        control.VolumeChanged += e =>
        {
            if (player.Apply(e)) view.Event(e.Muted ? $"muted by the station (volume {e.Volume} %)" : $"volume {e.Volume} %");
        };

        var playing = player.RunAsync(stop.Token);
        var polling = PollStatusAsync(control, view, stop.Token);
        if (!args.Quiet)
        {
            if (Terminal.StderrIsTerminal)
                await console.Live(view.Render(player, client)).AutoClear(false).StartAsync(async live =>
                {
                    while (!playing.IsCompleted)
                    {
                        await Task.WhenAny(playing, Task.Delay(500, CancellationToken.None));
                        live.UpdateTarget(view.Render(player, client));
                    }
                });
            else
                await view.PrintLinesAsync(console, player, playing);
        }
        AudioOutputFailedException? failed = null;
        try { await playing; }
        catch (OperationCanceledException) { }
        catch (AudioOutputFailedException e) { failed = e; }
        await polling;
        if (failed is not null)
        {
            // One line: what failed (the output plugin and its device) and that the player left the station.
            console.WriteLine($"{OutputName(context)} output failed: {Reason(failed)}; the player left the station.");
            return CommandRunner.Failed;
        }
        var boundPort = player.Port.IsCompletedSuccessfully ? player.Port.Result : args.Port;
        console.WriteLine($"{(args.Relay ? "peer" : "player")} on UDP {boundPort}: {player.Stats}; subscribed {player.Subscriptions} time(s).");
        if (relay is not null)
            console.WriteLine($"relay: {relay.Stats}");
        if (player.Stats.Played == 0 && view.StationError is { } error)
            console.WriteLine($"no audio arrived; the station said: {error}");
        return 0;
    }

    /// <summary>player:synchronized (default true; --no-sync sets it false).</summary>
    private static bool Synchronized(IConfiguration configuration)
    {
        var text = configuration["player:synchronized"];
        if (string.IsNullOrWhiteSpace(text)) return true;
        return bool.TryParse(text, out var value) ? value : throw new UserFacingException($"player:synchronized must be true or false, not '{text}'.");
    }

    private static string OutputName(HostContext context) => context.Configuration["use:audioOutput"] is { Length: > 0 } name ? name : "audio";

    /// <summary>The innermost message (e.g. ALSA's "cannot open device hw:7"), without exception types.</summary>
    private static string Reason(AudioOutputFailedException e)
    {
        Exception inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return (ReferenceEquals(inner, e) ? "it stopped" : inner.Message).ReplaceLineEndings(" ").TrimEnd('.');
    }

    /// <summary>Every 3 s: the station's now playing (keeps the position true and shows seeks).</summary>
    private static async Task PollStatusAsync(StationControlClient control, PlayerView view, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(3));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (!control.Connection.IsConnected) continue;
                try
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    limit.CancelAfter(TimeSpan.FromSeconds(3));
                    var status = await control.StatusAsync(limit.Token);
                    view.Refresh(StationText.Element(status.NowPlaying));
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
                catch (Exception e) when (e is TimeoutException or StationConnectionLostException or JsonRpcException) { }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// Connects, waiting (with backoff, as Snapcast's client does) while nothing listens at the
    /// station's address; other failures (a wrong key) end the command at once.
    /// </summary>
    internal static async Task ConnectWaitingAsync(StationClient client, EndPoint endPoint, IAnsiConsole console, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var said = false;
        while (true)
        {
            try
            {
                await client.ConnectAsync(ct);
                if (said) console.WriteLine($"connected to the station at {endPoint}.");
                return;
            }
            catch (Exception e) when (IsUnreachable(e) && !ct.IsCancellationRequested)
            {
                if (!said)
                {
                    console.WriteLine($"waiting for the station at {endPoint} (nothing answers yet; Ctrl+C stops)…");
                    said = true;
                }
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(3).Ticks));
            }
        }
    }

    private static bool IsUnreachable(Exception e) =>
        e is TimeoutException || (e is IOException && e.InnerException is System.Net.Sockets.SocketException)
        || e is System.Net.Sockets.SocketException;
}
