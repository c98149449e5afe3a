using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Host.Console.Stations;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj status [--json]`: asks a running station for its status (state, now playing, listeners,
/// counters, and the relay mesh: direct peers, every peer's hops and continuity, the server's egress).
/// </summary>
internal sealed class StatusCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var server = StationTarget.ServerOption();
        var join = StationTarget.JoinOption();
        var json = new Option<bool>("--json") { Description = "Print the station's status as JSON (as the status method returns it)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the station.", DefaultValueFactory = _ => 10 };
        var command = new Command("status", "Show a running station's status: listeners, relay mesh peers and the server's egress.") { server, join, json, timeout };
        command.SetAction((parseResult, ct) =>
        {
            var target = new StationTarget(parseResult, server, join);
            return CommandRunner.RunAsync(parseResult, globals, (context, token) => RunAsync(context, target, parseResult.GetValue(json),
                parseResult.GetValue(timeout), token), ct, prepare: target.Prepare);
        });
        return command;
    }

    private static async Task<int> RunAsync(HostContext context, StationTarget target, bool json, double seconds, CancellationToken token)
    {
        if (seconds is <= 0 or > 3600)
            throw new UserFacingException($"--timeout must be between 0 and 3600 seconds, not {seconds}.");
        await using var client = new StationControlClient(context.Engine.ControlTransport, context.Engine.Crypto, new StationClientOptions
        {
            EndPoint = target.EndPoint,
            ClientName = $"status {Environment.UserName}@{Environment.MachineName}",
            CallTimeout = TimeSpan.FromSeconds(seconds),
            AutoReconnect = false,
            HeartbeatInterval = Timeout.InfiniteTimeSpan,
        }, context.Verbose ? context.LoggerFactory.CreateLogger<StationClient>() : null);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
        limit.CancelAfter(TimeSpan.FromSeconds(seconds));
        await client.ConnectAsync(limit.Token);
        var status = await client.StatusAsync(limit.Token);
        if (json)
        {
            System.Console.WriteLine(StationText.Json(StationText.Element(status)));
            return 0;
        }
        var inv = CultureInfo.InvariantCulture;
        System.Console.WriteLine($"{status.State}: {PlayerView.Plain(StationText.NowPlaying(status.NowPlaying))}");
        System.Console.WriteLine($"listeners {status.Listeners}/{status.MaxListeners}, uptime {status.UptimeSeconds.ToString("0", inv)} s, {status.Codec} {status.SampleRate} Hz");
        if (status.Mesh is { } mesh)
        {
            System.Console.WriteLine($"mesh: {mesh.Peers} peer(s), {mesh.DirectPeers}/{mesh.MaxDirectPeers} fed directly; egress {mesh.EgressPacketsPerSecond.ToString("0", inv)} packets/s, {mesh.EgressKilobitsPerSecond.ToString("0", inv)} kbit/s");
            foreach (var p in mesh.PeerList)
                System.Console.WriteLine($"  {p.PeerId} {p.Name} at {p.Address}: {(p.Direct ? "direct" : $"parents {string.Join(",", p.Parents)}")}, hops {p.Hops}, children {p.Children}, continuity {(100 * p.Continuity).ToString("0.00", inv)} %, loss {p.LossPercent.ToString("0.0", inv)} %, forged {p.Forged}");
        }
        return 0;
    }
}
