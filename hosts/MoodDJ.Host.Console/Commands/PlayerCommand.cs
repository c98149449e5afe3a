using System.CommandLine;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Protocol;
using MoodDJ.Station;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj player`: subscribes to a running station, plays its stream into an output (ALSA, a WAV
/// file, stdout or nothing), shows live stats, and comes back by itself after the station restarts.
/// Several players on one machine use different --port values (seed step 7).
/// </summary>
internal sealed class PlayerCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var port = new Option<int>("--port", "-p") { Description = "Local UDP port to receive the stream on (0 picks a free one).", DefaultValueFactory = _ => 5685 };
        var output = new Option<string?>("--output", "-o") { Description = "Audio output plugin: alsa, wav, stdout or null (default: use:audioOutput)." };
        var server = new Option<string?>("--server", "-s") { Description = "The station's control address host:port (default: station:bind and station:controlPort)." };
        var jitter = new Option<int>("--jitter-ms") { Description = "Audio the jitter buffer holds before playing.", DefaultValueFactory = _ => 60 };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No live stats; one summary line at the end." };
        var command = new Command("player", "Listen to a running station: subscribe, receive RTP/SRTP, play, show loss and buffer stats.")
            { port, output, server, jitter, seconds, quiet };
        command.SetAction((parseResult, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parseResult.GetValue(output) is { } name)
                overrides["use:audioOutput"] = name;
            return CommandRunner.RunAsync(parseResult, globals, (context, token) => RunAsync(context, new PlayerArguments(
                parseResult.GetValue(port), parseResult.GetValue(server), parseResult.GetValue(jitter),
                parseResult.GetValue(seconds), parseResult.GetValue(quiet)), token), ct, overrides);
        });
        return command;
    }

    private sealed record PlayerArguments(int Port, string? Server, int JitterMs, double? Seconds, bool Quiet);

    private static async Task<int> RunAsync(HostContext context, PlayerArguments args, CancellationToken ct)
    {
        if (args.Port is < 0 or > 65535)
            throw new UserFacingException($"--port must be 0..65535, not {args.Port}.");
        if (args.JitterMs is < 0 or > 5000)
            throw new UserFacingException($"--jitter-ms must be 0..5000, not {args.JitterMs}.");
        var (host, controlPort) = ParseServer(args.Server);
        var endPoint = StationAddress.Resolve(context.Configuration, host, controlPort);
        var stationHost = endPoint is IPEndPoint ip ? ip.Address
            : (await Dns.GetHostAddressesAsync(((DnsEndPoint)endPoint).Host, ct)).First();
        var engine = context.Engine;
        var console = ErrorConsole.Create();

        await using var client = new StationClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
        {
            EndPoint = endPoint,
            ClientName = $"mooddj player :{args.Port}",
        }, context.LoggerFactory.CreateLogger<StationClient>());
        var nowPlaying = "[grey]nothing yet[/]";
        client.NotificationReceived += n =>
        {
            if (n.Method == "nowPlaying") nowPlaying = StationText.NowPlaying(n.Params);
        };
        await client.ConnectAsync(ct);
        if (StationText.Member(client.LastHello, "nowPlaying") is { } first)
            nowPlaying = StationText.NowPlaying(first);

        var player = new StationPlayer(engine.StreamTransport, engine.Codec, engine.AudioOutput(), stationHost,
            async (port, token) =>
            {
                var reply = await client.CallAsync("subscribe", new { port }, cancellationToken: token);
                return reply.Deserialize<SubscribeResult>(JsonRpcWriter.SerializerOptions)
                    ?? throw new InvalidOperationException("The station's subscribe reply was empty.");
            },
            new StationPlayerOptions
            {
                Port = args.Port,
                Bind = stationHost.Equals(IPAddress.Loopback) ? IPAddress.Loopback : IPAddress.Any,
                JitterDepth = TimeSpan.FromMilliseconds(args.JitterMs),
            },
            context.LoggerFactory.CreateLogger<StationPlayer>());

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (args.Seconds is { } limit)
        {
            if (!double.IsFinite(limit) || limit <= 0) throw new UserFacingException($"--seconds must be positive, not {limit}.");
            stop.CancelAfter(TimeSpan.FromSeconds(limit));
        }
        var playing = player.RunAsync(stop.Token);

        if (!args.Quiet)
        {
            await console.Live(Render(player, client, nowPlaying)).AutoClear(false).StartAsync(async live =>
            {
                while (!playing.IsCompleted)
                {
                    await Task.WhenAny(playing, Task.Delay(500, CancellationToken.None));
                    live.UpdateTarget(Render(player, client, nowPlaying));
                }
            });
        }
        try { await playing; }
        catch (OperationCanceledException) { }
        var port = player.Port.IsCompletedSuccessfully ? player.Port.Result : args.Port;
        console.MarkupLine($"player on UDP {port}: {Markup.Escape(player.Stats.ToString())}; subscribed {player.Subscriptions} time(s).");
        return 0;
    }

    private static Table Render(StationPlayer player, StationClient client, string nowPlaying)
    {
        var s = player.Stats;
        var sub = player.Subscription;
        var total = Math.Max(1, s.Received + s.Lost);
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumns("", "");
        table.AddRow("station", $"{Markup.Escape(client.State.ToString())}{(client.Reconnects > 0 ? $" [grey](reconnected {client.Reconnects}×)[/]" : "")}");
        table.AddRow("stream", sub is null ? "[grey]subscribing…[/]"
            : Markup.Escape($"UDP {sub.Port} · {sub.Codec} {sub.SampleRate} Hz {sub.Channels} ch · {(sub.Srtp is null ? "RTP (clear)" : "SRTP")} · subscribed {player.Subscriptions}×"));
        table.AddRow("now playing", nowPlaying);
        table.AddRow("received", $"{s.Received:N0} packets");
        table.AddRow("lost", $"{s.Lost:N0} ({100.0 * s.Lost / total:0.00} %)");
        table.AddRow("late / duplicate", $"{s.Late:N0} / {s.Duplicates:N0}");
        table.AddRow("concealed / underruns", $"{s.Concealed:N0} / {s.Underruns:N0}");
        table.AddRow("buffer", $"{s.Buffered.TotalMilliseconds:0} ms (target {s.Target.TotalMilliseconds:0} ms)");
        if (s.Junk + s.Unauthenticated > 0)
            table.AddRow("dropped", $"{s.Junk:N0} junk, {s.Unauthenticated:N0} failed SRTP");
        return table;
    }

    /// <summary>"host:port", "host" or ":port" (IPv6 in brackets: "[::1]:5678").</summary>
    internal static (string? Host, int? Port) ParseServer(string? server)
    {
        if (string.IsNullOrWhiteSpace(server)) return (null, null);
        var colon = server.LastIndexOf(':');
        if (colon < 0 || server.EndsWith(']')) return (server.Trim('[', ']'), null);
        if (!int.TryParse(server[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new UserFacingException($"--server '{server}' must be host:port with a port 1..65535.");
        var host = server[..colon].Trim('[', ']');
        return (host.Length == 0 ? null : host, port);
    }
}
