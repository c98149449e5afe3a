using System.Buffers.Binary;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Protocol;

/// <summary>The kinds of datagram on the heartbeat port (docs/protocol.md, "Subscription and heartbeats").</summary>
public enum HeartbeatType : byte
{
    /// <summary>Listener → station: keep my subscription alive.</summary>
    Heartbeat = 0x01,

    /// <summary>Listener → station: stop sending to me now.</summary>
    Leave = 0x02,

    /// <summary>
    /// Listener → station: a heartbeat that also asks the station's clock (44 bytes: the heartbeat
    /// and the listener's send time, 8 bytes, then 8 zero bytes). The answer is <see cref="TimeReply"/>.
    /// </summary>
    TimeRequest = 0x03,

    /// <summary>Station → listener: alive, with the station clock when the request arrived and when the reply left (44 bytes).</summary>
    TimeReply = 0x83,

    /// <summary>Station → listener: the subscription is alive.</summary>
    Alive = 0x81,

    /// <summary>Station → listener: this token is unknown (expired, or the station restarted): subscribe again.</summary>
    Unknown = 0x82,
}

/// <summary>
/// One fixed-size, 28-byte heartbeat datagram: "MDHB", version, type, two zero bytes, the 16-byte
/// subscription token issued over the control channel, and a 32-bit sequence number (big-endian)
/// that the station echoes so a listener can measure the round trip. Replies are the same size as
/// requests, so the port cannot amplify a spoofed flood.
/// </summary>
public readonly record struct HeartbeatDatagram(HeartbeatType Type, UInt128 Token, uint Sequence)
{
    public const int Size = 28;

    /// <summary>The size of <see cref="HeartbeatType.TimeRequest"/> and <see cref="HeartbeatType.TimeReply"/> datagrams.</summary>
    public const int TimeSize = 44;
    public const byte Version = 1;
    private const uint Magic = 0x4D444842; // "MDHB"

    /// <summary>Writes this datagram into <paramref name="destination"/> (at least <see cref="Size"/> bytes); returns <see cref="Size"/>.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
            throw new ArgumentException($"A heartbeat datagram needs {Size} bytes.", nameof(destination));
        BinaryPrimitives.WriteUInt32BigEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = (byte)Type;
        destination[6] = 0;
        destination[7] = 0;
        BinaryPrimitives.WriteUInt128BigEndian(destination[8..24], Token);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..28], Sequence);
        return Size;
    }

    /// <summary>
    /// Writes a time request or reply (<see cref="TimeSize"/> bytes): this header, then two 64-bit NTP
    /// times (a request carries the listener's send time and zero; a reply the station's receive and send times).
    /// </summary>
    public int WriteTimeTo(Span<byte> destination, ulong first, ulong second)
    {
        if (Type is not (HeartbeatType.TimeRequest or HeartbeatType.TimeReply))
            throw new InvalidOperationException($"Only time requests and replies carry times, not {Type}.");
        if (destination.Length < TimeSize)
            throw new ArgumentException($"A time datagram needs {TimeSize} bytes.", nameof(destination));
        WriteTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[28..], first);
        BinaryPrimitives.WriteUInt64BigEndian(destination[36..], second);
        return TimeSize;
    }

    /// <summary>The two times of a time datagram that <see cref="TryRead"/> accepted.</summary>
    public static (ulong First, ulong Second) ReadTimes(ReadOnlySpan<byte> datagram) =>
        (BinaryPrimitives.ReadUInt64BigEndian(datagram[28..]), BinaryPrimitives.ReadUInt64BigEndian(datagram[36..]));

    /// <summary>Parses a datagram; false for anything that is not exactly a version-1 heartbeat datagram (28 bytes, or 44 for the time types).</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out HeartbeatDatagram result)
    {
        result = default;
        var timed = datagram.Length == TimeSize && datagram[5] is (byte)HeartbeatType.TimeRequest or (byte)HeartbeatType.TimeReply;
        if ((datagram.Length != Size && !timed)
            || (datagram.Length == Size && datagram[5] is (byte)HeartbeatType.TimeRequest or (byte)HeartbeatType.TimeReply)
            || BinaryPrimitives.ReadUInt32BigEndian(datagram) != Magic
            || datagram[4] != Version
            || datagram[6] != 0 || datagram[7] != 0)
            return false;
        var type = (HeartbeatType)datagram[5];
        if (type is not (HeartbeatType.Heartbeat or HeartbeatType.Leave or HeartbeatType.Alive or HeartbeatType.Unknown
            or HeartbeatType.TimeRequest or HeartbeatType.TimeReply))
            return false;
        result = new HeartbeatDatagram(type,
            BinaryPrimitives.ReadUInt128BigEndian(datagram[8..24]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[24..28]));
        return true;
    }

    /// <summary>The token as it travels in JSON (lower-case hex, 32 digits).</summary>
    public static string FormatToken(UInt128 token) => token.ToString("x32");

    public static bool TryParseToken(string? text, out UInt128 token)
    {
        token = default;
        return text is { Length: 32 }
            && UInt128.TryParse(text, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out token);
    }
}
