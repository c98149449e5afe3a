using System.Buffers.Binary;
using System.Net;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// The station's permission for one peer to attach to others: peer id, the IP address the station
/// saw it at, an expiry, and the station's signature. A parent feeds only a child whose datagram
/// comes from the ticket's address, so nobody can aim a relay's stream at a third party.
/// </summary>
public static class MeshTicket
{
    public const int Length = 8 + 16 + 8 + StreamSigner.SignatureLength;
    private static ReadOnlySpan<byte> Domain => "MDJT"u8;

    public static string Issue(StreamSigner signer, long peerId, IPAddress address, DateTimeOffset expires)
    {
        Span<byte> ticket = stackalloc byte[Length];
        WriteBody(ticket, peerId, address, expires.ToUnixTimeSeconds());
        Span<byte> signed = stackalloc byte[4 + 32];
        Domain.CopyTo(signed);
        ticket[..32].CopyTo(signed[4..]);
        signer.Sign(signed, ticket[32..]);
        return Convert.ToBase64String(ticket);
    }

    /// <summary>Checks a ticket's signature, expiry, peer id and address.</summary>
    public static bool Verify(ReadOnlySpan<byte> ticket, StreamVerifier verifier, long peerId, IPAddress from, DateTimeOffset now)
    {
        if (ticket.Length != Length) return false;
        if (BinaryPrimitives.ReadInt64BigEndian(ticket) != peerId) return false;
        if (BinaryPrimitives.ReadInt64BigEndian(ticket[24..]) < now.ToUnixTimeSeconds()) return false;
        Span<byte> address = stackalloc byte[16];
        WriteAddress(address, from);
        if (!ticket.Slice(8, 16).SequenceEqual(address)) return false;
        Span<byte> signed = stackalloc byte[4 + 32];
        Domain.CopyTo(signed);
        ticket[..32].CopyTo(signed[4..]);
        return verifier.Verify(signed, ticket[32..]);
    }

    private static void WriteBody(Span<byte> ticket, long peerId, IPAddress address, long expires)
    {
        BinaryPrimitives.WriteInt64BigEndian(ticket, peerId);
        WriteAddress(ticket.Slice(8, 16), address);
        BinaryPrimitives.WriteInt64BigEndian(ticket[24..], expires);
    }

    private static void WriteAddress(Span<byte> destination, IPAddress address)
    {
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? address.MapToIPv6() : address;
        v6.TryWriteBytes(destination, out _);
    }
}
