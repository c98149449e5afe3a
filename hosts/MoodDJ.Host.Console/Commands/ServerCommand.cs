using System.CommandLine;
using Microsoft.Extensions.Logging;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj server`: runs one live station from the configuration (control, stream and heartbeat
/// ports; the configured analyzer, music sources, codec and crypto) until Ctrl+C.
/// </summary>
internal sealed class ServerCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var sdp = new Option<string?>("--sdp") { Description = "Where to write the station's SDP (without keys; default: station:sdpPath or the temp folder)." };
        var command = new Command("server", "Run a MoodDJ station: TCP control, UDP RTP/SRTP stream, UDP heartbeats. Ctrl+C stops it.") { sdp };
        command.SetAction((parseResult, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parseResult.GetValue(sdp) is { } path)
                overrides["station:sdpPath"] = Path.GetFullPath(path);
            return CommandRunner.RunAsync(parseResult, globals, RunAsync, ct, overrides);
        });
        return command;
    }

    private static async Task<int> RunAsync(HostContext context, CancellationToken ct)
    {
        var console = ErrorConsole.Create();
        var log = context.LoggerFactory.CreateLogger("mooddj.server");
        await using var station = StationFactory.Create(context.Engine, context.LoggerFactory);
        if (!context.Engine.Crypto.IsEncrypted)
        {
            log.LogWarning("Crypto is 'none': control messages and audio travel in clear and anyone on the network can read or forge them. Use \"crypto\": \"aead\" outside a test bench.");
            console.MarkupLine("[yellow]warning:[/] crypto is [bold]none[/]: control and audio travel in clear.");
        }
        await station.StartAsync(ct);

        var sdpPath = station.Options.SdpPath is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), $"mooddj-station-{station.StreamEndPoint.Port}.sdp");
        // With multicast the group's SDP is directly playable; unicast streams are per subscriber, so
        // the file is a template (port 0) and each player gets its own SDP, with its keys, on subscribe.
        var sdpText = station.Options.MulticastGroup is { Length: > 0 } && !context.Engine.Crypto.IsEncrypted
            ? station.DescribeMulticast()!
            : station.DescribeStream(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), keys: null);
        await File.WriteAllTextAsync(sdpPath, sdpText, ct);

        var table = new Table().Border(TableBorder.Rounded).AddColumns("what", "where");
        table.AddRow("control (TCP, JSON-RPC)", Markup.Escape(station.ControlEndPoint.ToString()!));
        table.AddRow("stream (UDP, RTP" + (context.Engine.Crypto.IsEncrypted ? "/SRTP" : "") + ")", Markup.Escape(station.StreamEndPoint.ToString()));
        table.AddRow("heartbeats (UDP)", Markup.Escape(station.HeartbeatEndPoint.ToString()));
        if (station.DescribeMulticast() is not null)
            table.AddRow("multicast group", Markup.Escape($"{station.Options.MulticastGroup}:{station.Options.MulticastPort}"));
        table.AddRow("SDP template (no keys)", Markup.Escape(sdpPath));
        table.AddRow("format", Markup.Escape($"{context.Engine.Codec.EncodingName}, {station.Options.Format}, {station.Options.FrameMilliseconds} ms frames"));
        console.Write(table);
        console.MarkupLine("Players: [bold]mooddj player --port 5685[/]   ·   prompt: [bold]mooddj send \"I feel happy\"[/]   ·   Ctrl+C stops.");

        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
            while (await timer.WaitForNextTickAsync(ct))
            {
                var c = station.Counters;
                log.LogInformation("{Listeners} listener(s), {Sessions} session(s); {Packets} packets sent, {Errors} send errors, {Junk} junk datagrams dropped.",
                    station.Listeners.Count, station.Control.Sessions.Count, c.PacketsSent, c.SendErrors, c.HeartbeatJunk + c.StreamPortJunk);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        console.MarkupLine("stopping the station…");
        return 0;
    }
}
