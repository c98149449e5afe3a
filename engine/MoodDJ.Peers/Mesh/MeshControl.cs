using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// Answers the mesh control datagrams one peer receives: attach (as a parent: ticket, slots, loop
/// and depth checks), accept and refuse (as a child), keepalive, path, leave, probe and nack (as a
/// parent: resend what a child missed from the backfill).
/// </summary>
internal sealed class MeshControl(MeshRelay relay, MeshSession s, byte[] reply)
{
    private readonly long[] _path = new long[MeshWire.MaxPath];
    private static readonly IPEndPoint s_any4 = new(IPAddress.Any, 0), s_any6 = new(IPAddress.IPv6Any, 0);

    public async ValueTask HandleAsync(MeshMessage type, long sender, ReadOnlyMemory<byte> datagram, SocketAddress from, CancellationToken cancellationToken)
    {
        var family = s.Family;
        var now = Stopwatch.GetTimestamp();
        switch (type)
        {
            case MeshMessage.Attach:
                await OnAttachAsync(sender, datagram, from, now, cancellationToken).ConfigureAwait(false);
                break;
            case MeshMessage.Accept:
                OnAccept(sender, datagram.Span, EndPointOf(from), now);
                break;
            case MeshMessage.Refuse:
                if (!MeshWire.TryReadRefuse(datagram.Span, out var reason) || !family.Answered(EndPointOf(from)))
                    relay.CountJunk();
                else
                {
                    relay.Log.LogRefusal(family.Self, sender, reason);
                    await relay.AttachNextAsync(s, now, cancellationToken).ConfigureAwait(false);   // the next candidate at once
                }
                break;
            case MeshMessage.Keepalive:
                if (family.FindChild(from) is { } child && child.Id == sender) Volatile.Write(ref child.LastHeard, now);
                break;
            case MeshMessage.Path:
                OnPath(sender, datagram.Span, from, now);
                break;
            case MeshMessage.Leave:
                if (family.FindParent(from) is { } parent && parent.Id == sender) relay.DropParent(s, parent, "it left");
                else if (family.FindChild(from) is { } gone && gone.Id == sender) family.RemoveChild(gone);
                break;
            case MeshMessage.Probe:
                break;   // it only opened a NAT mapping
            case MeshMessage.Nack:
                await OnNackAsync(sender, datagram, from, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask OnAttachAsync(long child, ReadOnlyMemory<byte> datagram, SocketAddress from, long now, CancellationToken cancellationToken)
    {
        var endPoint = EndPointOf(from);
        int length;
        var accepted = false;
        ushort? newest = null;
        if (!MeshWire.TryReadAttach(datagram.Span, out var ticket, out newest)
            || !MeshTicket.Verify(ticket, s.Verifier, child, endPoint.Address, DateTimeOffset.UtcNow))
        {
            length = MeshWire.WriteRefuse(reply, s.Family.Self, RefuseReason.BadTicket);
        }
        else if (s.Family.TryAddChild(child, endPoint, now, out _) is { } refused)
        {
            length = MeshWire.WriteRefuse(reply, s.Family.Self, refused);
        }
        else
        {
            length = MeshWire.WritePath(reply, MeshMessage.Accept, s.Family.Self, s.Family.Hops, s.Family.Ancestry());
            accepted = true;
            relay.RequestReport(cancellationToken);
        }
        await MeshRelay.SendQuietlyAsync(s.Socket, reply.AsMemory(0, length), from, cancellationToken).ConfigureAwait(false);
        if (accepted && newest is { } after)
        {
            // A re-attaching child: send what it missed while it looked for a parent (its window drops what it has).
            foreach (var packet in relay.Backfill.After(after))
                await MeshRelay.SendQuietlyAsync(s.Socket, packet, from, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A child missed packets: resend those still held, within its budget (a stranger's nack is ignored).</summary>
    private async ValueTask OnNackAsync(long sender, ReadOnlyMemory<byte> datagram, SocketAddress from, CancellationToken cancellationToken)
    {
        if (s.Family.FindChild(from) is not { } child || child.Id != sender || !MeshWire.TryReadNack(datagram.Span, out var first, out var count))
        {
            relay.CountJunk();
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (!relay.Backfill.TryGet((ushort)(first + i), out var packet)) continue;
            if (!child.Resends.TryTake()) return;
            await MeshRelay.SendQuietlyAsync(s.Socket, packet, child.Address, cancellationToken).ConfigureAwait(false);
            relay.CountResent();
        }
    }

    private void OnAccept(long parentId, ReadOnlySpan<byte> datagram, IPEndPoint from, long now)
    {
        var count = MeshWire.TryReadPath(datagram, out var hops, _path);
        if (count < 0 || !s.Family.Answered(from))
        {
            relay.CountJunk();
            return;
        }
        var ancestry = _path.AsSpan(0, count).ToArray();
        if (Array.IndexOf(ancestry, s.Family.Self) >= 0 || !s.Family.WantsParent)
        {
            // It descends from us (a loop), or another parent got there first: leave it at once.
            var leave = new byte[MeshWire.HeaderLength];
            MeshWire.Write(leave, MeshMessage.Leave, s.Family.Self);
            _ = MeshRelay.SendQuietlyAsync(s.Socket, leave, from.Serialize(), CancellationToken.None);
            return;
        }
        s.Family.AddParent(parentId, from, hops, ancestry, now);
        relay.Log.LogAttached(s.Family.Self, parentId, hops + 1);
        relay.RequestReport(CancellationToken.None);
    }

    private void OnPath(long sender, ReadOnlySpan<byte> datagram, SocketAddress from, long now)
    {
        if (s.Family.FindParent(from) is not { } parent || parent.Id != sender)
            return;
        var count = MeshWire.TryReadPath(datagram, out var hops, _path);
        if (count < 0)
        {
            relay.CountJunk();
            return;
        }
        var path = _path.AsSpan(0, count);
        if (path.Contains(s.Family.Self))
        {
            relay.DropParent(s, parent, "its path runs through this peer (a loop)");
            return;
        }
        Volatile.Write(ref parent.LastHeard, now);
        parent.Hops = hops;
        if (!path.SequenceEqual(parent.Ancestry)) parent.Ancestry = path.ToArray();   // only when the path changed
    }

    private IPEndPoint EndPointOf(SocketAddress address)
    {
        var endPoint = (IPEndPoint)(address.Family == AddressFamily.InterNetworkV6 ? s_any6 : s_any4).Create(address);
        return endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
    }
}

internal static class MeshLog
{
    public static void LogRefusal(this Microsoft.Extensions.Logging.ILogger log, long self, long parent, RefuseReason reason) =>
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(log, "Mesh peer {Id}: peer {Parent} refused ({Reason}).", self, parent, reason);

    public static void LogAttached(this Microsoft.Extensions.Logging.ILogger log, long self, long parent, int hops) =>
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "Mesh peer {Id}: attached to {Parent} ({Hops} hops).", self, parent, hops);
}
