using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Host.Console.Stations;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj listen --sdp FILE`: a listener on behalf of an outside RTP player (ffmpeg, VLC,
/// GStreamer). It subscribes a UDP port, writes the SDP of that session (RTP/SAVP with its
/// a=crypto key, the real port) and keeps the subscription alive with heartbeats until Ctrl+C;
/// the outside player opens the SDP and receives the stream itself.
/// </summary>
internal sealed class ListenCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var sdp = new Option<string>("--sdp") { Description = "Where to write the session's SDP (it holds the session key: written 0600).", Required = true };
        var port = new Option<int>("--port", "-p") { Description = "UDP port the outside player receives on (default 0: a free even port).", DefaultValueFactory = _ => 0 };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)." };
        var server = StationTarget.ServerOption();
        var join = StationTarget.JoinOption();
        var command = new Command("listen", "Subscribe on behalf of an outside RTP player and write the SDP it opens (ffmpeg -protocol_whitelist file,udp,rtp,srtp -i FILE).")
            { sdp, port, seconds, server, join };
        command.SetAction((parseResult, ct) =>
        {
            var target = new StationTarget(parseResult, server, join);
            return CommandRunner.RunAsync(parseResult, globals, (context, token) => RunAsync(context, target,
                Path.GetFullPath(parseResult.GetValue(sdp)!), parseResult.GetValue(port), parseResult.GetValue(seconds), token), ct, prepare: target.Prepare);
        });
        return command;
    }

    private static async Task<int> RunAsync(HostContext context, StationTarget target, string sdpPath, int port, double? seconds, CancellationToken ct)
    {
        if (port is < 0 or > 65535)
            throw new UserFacingException($"--port must be 0..65535, not {port}.");
        if (seconds is { } s && (!double.IsFinite(s) || s <= 0))
            throw new UserFacingException($"--seconds must be positive, not {s}.");
        var console = ErrorConsole.Create();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (seconds is { } limit) stop.CancelAfter(TimeSpan.FromSeconds(limit));

        var engine = context.Engine;
        var endPoint = target.EndPoint;
        await using var client = new StationClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
        {
            EndPoint = endPoint,
            ClientName = $"listen {Environment.UserName}@{Environment.MachineName}",
        }, context.Verbose ? context.LoggerFactory.CreateLogger<StationClient>() : null);
        await using var control = new StationControlClient(client, ownsConnection: false);
        try
        {
            await PlayerCommand.ConnectWaitingAsync(client, endPoint, console, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ct.IsCancellationRequested ? CommandRunner.Interrupted : CommandRunner.Failed;
        }
        var stationHost = endPoint is IPEndPoint ip ? ip.Address : (await Dns.GetHostAddressesAsync(((DnsEndPoint)endPoint).Host, ct)).First();
        if (port == 0) port = FreeEvenPortPair(IPAddress.IsLoopback(stationHost) ? IPAddress.Loopback : IPAddress.Any);

        var subscriptions = 0;
        while (!stop.IsCancellationRequested)
        {
            SubscribeResult subscription;
            try
            {
                subscription = await control.SubscribeAsync(port, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e) when (e is TimeoutException or StationConnectionLostException)
            {
                console.WriteLine($"subscribing failed ({e.Message}); trying again…");
                await Task.Delay(1000, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            WriteSecret(sdpPath, subscription.Sdp);
            console.WriteLine(++subscriptions == 1
                ? $"wrote {sdpPath}: {subscription.Codec} {subscription.SampleRate} Hz {subscription.Channels} ch, RTP{(subscription.Srtp is null ? "" : "/SRTP")} to UDP {subscription.Host}:{subscription.Port}. Play it with:"
                : $"subscribed again; {sdpPath} has the new session key (restart the player):");
            console.WriteLine($"  ffmpeg -protocol_whitelist file,udp,rtp,srtp -i {sdpPath} -f alsa default   (or ffplay, vlc)");

            HeartbeatDatagram.TryParseToken(subscription.Token, out var token);
            using var heartbeats = new HeartbeatClient(engine.StreamTransport, new IPEndPoint(stationHost, subscription.HeartbeatPort), token,
                TimeSpan.FromMilliseconds(subscription.HeartbeatIntervalMs), TimeSpan.FromMilliseconds(subscription.ExpiryMs));
            var loss = await heartbeats.RunAsync(stop.Token);
            if (stop.IsCancellationRequested)
            {
                await heartbeats.LeaveAsync(CancellationToken.None);
                break;
            }
            console.WriteLine($"the station {(loss == SubscriptionLoss.Forgotten ? "forgot this listener" : "went silent")}; subscribing again.");
        }
        return 0;
    }

    /// <summary>An even port whose odd neighbour is free too (RTP players often open port+1 for RTCP).</summary>
    private static int FreeEvenPortPair(IPAddress address)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            int port;
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                probe.Bind(new IPEndPoint(address, 0));
                port = ((IPEndPoint)probe.LocalEndPoint!).Port & ~1;
            }
            if (port is < 1024 or > 65534) continue;
            try
            {
                using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                rtp.Bind(new IPEndPoint(address, port));
                using var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                rtcp.Bind(new IPEndPoint(address, port + 1));
                return port;
            }
            catch (SocketException) { }
        }
        throw new UserFacingException("No free pair of UDP ports found; give one with --port.");
    }

    private static void WriteSecret(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
