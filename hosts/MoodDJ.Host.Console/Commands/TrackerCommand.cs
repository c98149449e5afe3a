using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MoodDJ.Host.Console.Stations;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj tracker`: the embedded BEP 15 UDP tracker (UDP 5700 on all interfaces by default, so peers on
/// the LAN can reach it). Prints a line per new swarm and peer, a stats line periodically, and stops on
/// Ctrl+C or SIGTERM. It needs no plugins or mooddj.json: everything is an option.
/// </summary>
internal sealed class TrackerCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var port = new Option<int>("--port", "-p") { Description = "UDP port to listen on.", DefaultValueFactory = _ => UdpTrackerServerOptions.DefaultPort };
        var bind = new Option<string>("--bind") { Description = "Address to listen on (default 0.0.0.0: every interface, for a LAN; 127.0.0.1 keeps it to this machine; an IPv6 address such as :: or ::1 makes an IPv6 tracker, whose replies list IPv6 peers).", DefaultValueFactory = _ => "0.0.0.0" };
        var interval = new Option<int>("--interval") { Description = "Seconds between a peer's announces, told to every peer.", DefaultValueFactory = _ => 60 };
        var expiry = new Option<int>("--expiry") { Description = "Seconds after its last announce that a silent peer is dropped.", DefaultValueFactory = _ => 180 };
        var maxSwarms = new Option<int>("--max-swarms") { Description = "Most swarms (stations and tracks) tracked at once.", DefaultValueFactory = _ => 10_000 };
        var maxPeers = new Option<int>("--max-peers") { Description = "Most peers in one swarm.", DefaultValueFactory = _ => 1_000 };
        var maxNumWant = new Option<int>("--max-numwant") { Description = "Most peers listed in one announce reply (1..200).", DefaultValueFactory = _ => 50 };
        var stats = new Option<int>("--stats") { Description = "Seconds between stats lines (0: none).", DefaultValueFactory = _ => 60 };
        var command = new Command("tracker", "Run a BitTorrent UDP tracker (BEP 15) that MoodDJ peers find each other through. Ctrl+C stops it.")
            { port, bind, interval, expiry, maxSwarms, maxPeers, maxNumWant, stats };
        command.SetAction(async (parseResult, ct) =>
        {
            try
            {
                if (!IPAddress.TryParse(parseResult.GetValue(bind), out var address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
                    throw new UserFacingException($"--bind: '{parseResult.GetValue(bind)}' is not an IPv4 or IPv6 address.");
                if (parseResult.GetValue(port) is < 0 or > 65535)
                    throw new UserFacingException($"--port: {parseResult.GetValue(port)} is not a port (0..65535).");
                var options = new UdpTrackerServerOptions
                {
                    EndPoint = new IPEndPoint(address, parseResult.GetValue(port)),
                    AnnounceInterval = TimeSpan.FromSeconds(parseResult.GetValue(interval)),
                    PeerExpiry = TimeSpan.FromSeconds(parseResult.GetValue(expiry)),
                    MaxSwarms = parseResult.GetValue(maxSwarms),
                    MaxPeersPerSwarm = parseResult.GetValue(maxPeers),
                    MaxNumWant = parseResult.GetValue(maxNumWant),
                };
                return await RunAsync(options, TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(stats))), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return CommandRunner.Interrupted;
            }
            catch (Exception ex)
            {
                CommandRunner.ReportError(Explain(ex), parseResult.GetValue(globals.Verbose));
                return CommandRunner.Failed;
            }
        });
        return command;
    }

    private static Exception Explain(Exception ex) => ex switch
    {
        ArgumentOutOfRangeException range => new UserFacingException($"{OptionOf(range.ParamName)}: {range.Message.Split(" (Parameter")[0]}"),
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => new UserFacingException("UDP port is already in use: another tracker runs there? Pick another with --port."),
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => new UserFacingException("--bind names an address this machine does not have: use one of its own, 0.0.0.0 (every interface) or 127.0.0.1."),
        _ => ex,
    };

    private static string OptionOf(string? parameter) => parameter switch
    {
        nameof(UdpTrackerServerOptions.AnnounceInterval) => "--interval",
        nameof(UdpTrackerServerOptions.PeerExpiry) => "--expiry",
        nameof(UdpTrackerServerOptions.MaxSwarms) => "--max-swarms",
        nameof(UdpTrackerServerOptions.MaxPeersPerSwarm) => "--max-peers",
        nameof(UdpTrackerServerOptions.MaxNumWant) => "--max-numwant",
        _ => parameter ?? "option",
    };

    private static async Task<int> RunAsync(UdpTrackerServerOptions options, TimeSpan statsEvery, CancellationToken ct)
    {
        // Bound to every interface: peers on this machine announce from 127.0.0.1; list them under the
        // LAN address so peers elsewhere can reach them (nothing changes on a machine with no network).
        var lan = ReachableAddress.For(options.EndPoint.Address);
        if (options.EndPoint.Address.Equals(IPAddress.Any) && !IPAddress.IsLoopback(lan))
            options = options with { LoopbackPeersAs = lan };
        await using var server = new UdpTrackerServer(options);
        // Lines are queued so a slow terminal never holds up the receive loop; if it falls far behind, lines are dropped.
        var lines = Channel.CreateBounded<TrackerNotice>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        server.Notice += n => lines.Writer.TryWrite(n);
        server.Start();
        var local = server.LocalEndPoint;
        var reachable = local.AddressFamily == AddressFamily.InterNetworkV6 ? local.ToString() : $"{ReachableAddress.For(local.Address)}:{local.Port}";
        var output = System.Console.Out;
        output.WriteLine($"tracker: listening on udp://{local} (BEP 15; announce every {options.AnnounceInterval.TotalSeconds:0} s, silent peers dropped after {options.PeerExpiry.TotalSeconds:0} s)");
        if (options.LoopbackPeersAs is { } listedAs)
            output.WriteLine($"tracker: peers on this machine are listed as {listedAs}, so others on the LAN can reach them");
        output.WriteLine($"tracker: peers announce to udp://{reachable}   ·   limits: {options.MaxSwarms} swarms, {options.MaxPeersPerSwarm} peers each, {options.MaxNumWant} per reply   ·   Ctrl+C stops.");
        output.Flush();

        var printer = PrintAsync(lines.Reader, output, ct);
        try
        {
            if (statsEvery > TimeSpan.Zero)
            {
                using var timer = new PeriodicTimer(statsEvery);
                while (await timer.WaitForNextTickAsync(ct))
                {
                    output.WriteLine($"stats: {server.Counters}");
                    output.Flush();
                }
            }
            else
                await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        lines.Writer.TryComplete();
        await printer;
        output.WriteLine($"tracker: stopping ({server.Counters})");
        output.Flush();
        return 0;
    }

    private static async Task PrintAsync(ChannelReader<TrackerNotice> notices, TextWriter output, CancellationToken ct)
    {
        try
        {
            await foreach (var n in notices.ReadAllAsync(ct))
            {
                output.WriteLine(n.Kind switch
                {
                    TrackerNoticeKind.NewSwarm => $"swarm {n.InfoHash}: new",
                    TrackerNoticeKind.NewPeer => $"swarm {n.InfoHash}: peer {n.Peer} joined",
                    TrackerNoticeKind.PeerStopped => $"swarm {n.InfoHash}: peer {n.Peer} left",
                    TrackerNoticeKind.PeerExpired => $"swarm {n.InfoHash}: peer {n.Peer} went silent, dropped",
                    _ => $"swarm {n.InfoHash}: empty, forgotten",
                });
                output.Flush();
            }
        }
        catch (OperationCanceledException) { }
    }
}
