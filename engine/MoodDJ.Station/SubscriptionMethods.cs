using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Media.Srtp;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station;

/// <summary>
/// One station's subscribe and unsubscribe: adds a listener at the client's address (or the
/// multicast group), with an SRTP master key exported from that client's own control handshake,
/// and answers with everything a player needs (token, format, ports, key, SDP).
/// </summary>
internal sealed class SubscriptionMethods(LiveStation station, ILogger log)
{
    public SubscribeResult Subscribe(ControlSession session, StationSession state, JsonElement parameters)
    {
        if (ParamReader.OptionalBool(parameters, "multicast"))
            return SubscribeMulticast();
        var options = station.Options;
        var port = ParamReader.RequiredInt(parameters, "port", 1, 65535);
        var remote = session.RemoteEndPoint is IPEndPoint ip ? Normalize(ip.Address) : IPAddress.Loopback;
        var host = ParamReader.OptionalString(parameters, "host", 64);
        var name = ParamReader.OptionalString(parameters, "name", 100) ?? state.ClientName;
        IPAddress target;
        if (host is null)
            target = remote;
        else if (!IPAddress.TryParse(host, out var parsed))
            throw JsonRpcException.InvalidParams($"'host' must be an IP address, not '{host}'.");
        else
            target = Normalize(parsed);
        if (!options.AllowForeignListenerAddress && !target.Equals(remote))
            throw new JsonRpcException(JsonRpcErrorCodes.Unauthorized,
                $"A listener must be at your own address ({remote}), not {target} (station:allowForeignListenerAddress is false).");

        SrtpKeys? keys = null;
        IRtpProtector protector = ClearRtp.Instance;
        MeshPeer? mesh = null;
        if (ParamReader.Has(parameters, "relay"))
        {
            // A relaying peer: the station's shared, signed stream (docs/protocol.md, "Live relay mesh").
            (protector, mesh) = station.Mesh.Admit(parameters);
        }
        else if (session.SecureChannel.IsEncrypted)
        {
            // One master key per control session, exported from its handshake: another listener
            // (with its own session) cannot decrypt this copy of the stream.
            keys = SrtpKeys.Derive(session.SecureChannel);
            protector = new SrtpProtector(keys);
        }

        var endPoint = new IPEndPoint(target, port);
        var listener = station.Listeners.TryAdd(state.ResumeToken, endPoint, protector, out var error, name, mesh);
        if (listener is null)
        {
            (protector as IDisposable)?.Dispose();
            throw new JsonRpcException(JsonRpcErrorCodes.ServerFull, error!);
        }
        if (mesh is not null) station.Mesh.Place(listener);
        log.LogDebug("'{Client}' subscribed {Listener} on '{Station}'.", state.ClientName, listener, station.Id);

        var packetizer = station.Packetizer;
        var srtp = keys is null ? null : new SrtpDto(SrtpProtector.Suite, "inline:" + keys.ToInlineBase64());
        return new SubscribeResult(
            HeartbeatDatagram.FormatToken(listener.Token), station.Ssrc, station.Parts.Codec.EncodingName, packetizer.PayloadType,
            packetizer.ClockRate, options.SampleRate, options.Channels, options.FrameMilliseconds,
            target.ToString(), port, station.StreamEndPoint.Port, station.HeartbeatEndPoint.Port,
            (int)options.HeartbeatInterval.TotalMilliseconds, (int)options.ListenerExpiry.TotalMilliseconds,
            srtp, station.DescribeStream(endPoint, keys), mesh is null ? null : station.Mesh.Describe(listener),
            string.IsNullOrWhiteSpace(options.Tracker) ? null : options.Tracker, mesh is null ? null : station.SwarmId);
    }

    private SubscribeResult SubscribeMulticast()
    {
        var feed = station.Multicast ?? throw new JsonRpcException(JsonRpcErrorCodes.NotFound, "This station has no multicast group (station:multicastGroup).");
        var packetizer = station.Packetizer;
        var options = station.Options;
        return new SubscribeResult("", station.Ssrc, station.Parts.Codec.EncodingName, packetizer.PayloadType, packetizer.ClockRate, options.SampleRate,
            options.Channels, options.FrameMilliseconds, feed.Group.EndPoint.Address.ToString(), feed.Group.EndPoint.Port, station.StreamEndPoint.Port,
            station.HeartbeatEndPoint.Port, 0, 0,
            feed.Keys is null ? null : new SrtpDto(SrtpKeys.Suite, "inline:" + feed.Keys.ToInlineBase64()),
            station.DescribeMulticast()!);
    }

    /// <summary>A player's reception report for one of this session's listeners (shown by the server console).</summary>
    public ReportResult Report(StationSession state, JsonElement parameters)
    {
        var text = ParamReader.RequiredString(parameters, "token", 64);
        if (!HeartbeatDatagram.TryParseToken(text, out var token)
            || !station.Listeners.TryGet(token, out var listener) || listener!.SessionId != state.ResumeToken)
            return new ReportResult(false);
        if (MeshMethods.ReadReport(parameters) is { } mesh)
            listener.Mesh?.Record(mesh);
        listener.Record(new ListenerReport(
            ParamReader.RequiredLong(parameters, "received", 0, long.MaxValue),
            ParamReader.RequiredLong(parameters, "lost", 0, long.MaxValue),
            ParamReader.RequiredLong(parameters, "late", 0, long.MaxValue),
            ParamReader.RequiredInt(parameters, "bufferedMs", 0, 600_000),
            ParamReader.RequiredInt(parameters, "targetMs", 0, 600_000),
            DateTimeOffset.UtcNow));
        return new ReportResult(true);
    }

    public UnsubscribeResult Unsubscribe(StationSession state, JsonElement parameters)
    {
        var text = ParamReader.RequiredString(parameters, "token", 64);
        if (!HeartbeatDatagram.TryParseToken(text, out var token)
            || !station.Listeners.TryGet(token, out var listener) || listener!.SessionId != state.ResumeToken)
            throw new JsonRpcException(JsonRpcErrorCodes.NotFound, "No listener of yours has that token.");
        station.Listeners.Remove(token);
        return new UnsubscribeResult(true);
    }

    /// <summary>
    /// Sets the volume of every listener with that name: the station keeps sending each listener
    /// its own untouched stream and tells the client holding it, whose player applies the gain.
    /// </summary>
    public SetVolumeResult SetVolume(JsonElement parameters)
    {
        var name = ParamReader.RequiredString(parameters, "listener", 100);
        var volume = ParamReader.RequiredInt(parameters, "volume", 0, 100);
        var muted = ParamReader.OptionalBool(parameters, "muted");
        var named = Array.FindAll(station.Listeners.Snapshot, l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));
        if (named.Length == 0)
        {
            var names = string.Join(", ", station.Listeners.Snapshot.Select(l => l.Name).Distinct());
            throw new JsonRpcException(JsonRpcErrorCodes.NotFound,
                $"No listener is called '{name}'; listening now: {(names.Length > 0 ? names : "nobody")}.");
        }
        foreach (var listener in named)
            station.NotifyOwner(listener, StationMethods.Volume, new VolumeEvent(listener.Name, HeartbeatDatagram.FormatToken(listener.Token), volume, muted));
        log.LogInformation("Volume of '{Listener}' on '{Station}' set to {Volume} %{Muted}.", name, station.Id, volume, muted ? " (muted)" : "");
        return new SetVolumeResult(named.Length);
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
