using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace MoodDJ.Plugins.LanDiscovery;

/// <summary>The record types DNS-SD needs (RFC 1035, 2782, 6763).</summary>
internal enum DnsType : ushort { A = 1, Ptr = 12, Txt = 16, Srv = 33, Any = 255 }

/// <summary>A question; <see cref="UnicastResponse"/> is mDNS's QU bit (RFC 6762 §5.4).</summary>
internal sealed record DnsQuestion(string Name, DnsType Type, bool UnicastResponse = false);

/// <summary>
/// One resource record of the four types used: PTR and SRV carry <see cref="Target"/>, SRV its
/// <see cref="Port"/>, A its <see cref="Address"/>, TXT its <see cref="Texts"/>. Other types are kept with no data.
/// </summary>
internal sealed record DnsRecord(string Name, DnsType Type, uint Ttl, bool CacheFlush = false)
{
    public string? Target { get; init; }
    public ushort Port { get; init; }
    public IPAddress? Address { get; init; }
    public IReadOnlyList<string> Texts { get; init; } = [];
}

/// <summary>
/// A DNS message, just enough for mDNS: header, questions and records (answer, authority and
/// additional sections read into one list). Names are written uncompressed and read with compression
/// pointers (loops and out-of-range offsets are refused). <see cref="TryParse"/> never throws.
/// </summary>
internal sealed class DnsMessage
{
    private const ushort ClassIn = 1;
    private const ushort TopBit = 0x8000;

    public ushort Id { get; init; }
    public bool IsResponse { get; init; }
    public List<DnsQuestion> Questions { get; } = [];
    public List<DnsRecord> Records { get; } = [];

    public int Write(Span<byte> buffer)
    {
        var w = new Writer(buffer);
        w.U16(Id);
        w.U16(IsResponse ? (ushort)0x8400 : (ushort)0); // QR + AA for responses (RFC 6762 §18.4)
        w.U16((ushort)Questions.Count);
        w.U16((ushort)Records.Count);
        w.U16(0);
        w.U16(0);
        foreach (var q in Questions)
        {
            w.Name(q.Name);
            w.U16((ushort)q.Type);
            w.U16((ushort)(ClassIn | (q.UnicastResponse ? TopBit : 0)));
        }
        foreach (var r in Records)
        {
            w.Name(r.Name);
            w.U16((ushort)r.Type);
            w.U16((ushort)(ClassIn | (r.CacheFlush ? TopBit : 0)));
            w.U32(r.Ttl);
            var lengthAt = w.Position;
            w.U16(0);
            var start = w.Position;
            switch (r.Type)
            {
                case DnsType.Ptr: w.Name(r.Target!); break;
                case DnsType.Srv: w.U16(0); w.U16(0); w.U16(r.Port); w.Name(r.Target!); break;
                case DnsType.A: w.Bytes(r.Address!.GetAddressBytes()); break;
                case DnsType.Txt:
                    foreach (var text in r.Texts.DefaultIfEmpty(""))
                    {
                        var bytes = Encoding.UTF8.GetBytes(text);
                        w.Byte((byte)Math.Min(255, bytes.Length));
                        w.Bytes(bytes.AsSpan(0, Math.Min(255, bytes.Length)));
                    }
                    break;
            }
            BinaryPrimitives.WriteUInt16BigEndian(buffer[lengthAt..], (ushort)(w.Position - start));
        }
        return w.Position;
    }

    public static DnsMessage? TryParse(ReadOnlySpan<byte> packet)
    {
        try
        {
            var r = new Reader(packet);
            var id = r.U16();
            var flags = r.U16();
            int questions = r.U16(), answers = r.U16(), authority = r.U16(), additional = r.U16();
            var message = new DnsMessage { Id = id, IsResponse = (flags & TopBit) != 0 };
            for (int i = 0; i < questions; i++)
            {
                var name = r.Name();
                var type = (DnsType)r.U16();
                var cls = r.U16();
                message.Questions.Add(new DnsQuestion(name, type, (cls & TopBit) != 0));
            }
            for (int i = 0; i < answers + authority + additional; i++)
                message.Records.Add(r.Record());
            return message;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        public int Position;

        public void Byte(byte value) => _buffer[Position++] = value;
        public void U16(ushort value) { BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value); Position += 2; }
        public void U32(uint value) { BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value); Position += 4; }
        public void Bytes(ReadOnlySpan<byte> bytes) { bytes.CopyTo(_buffer[Position..]); Position += bytes.Length; }

        public void Name(string name)
        {
            foreach (var label in name.TrimEnd('.').Split('.'))
            {
                var bytes = Encoding.UTF8.GetBytes(label);
                if (bytes.Length is 0 or > 63) throw new ArgumentException($"DNS label '{label}' in '{name}' must be 1..63 bytes.");
                Byte((byte)bytes.Length);
                Bytes(bytes);
            }
            Byte(0);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> packet)
    {
        private readonly ReadOnlySpan<byte> _packet = packet;
        private int _position;

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || _position + count > _packet.Length) throw new FormatException("truncated");
            var span = _packet.Slice(_position, count);
            _position += count;
            return span;
        }

        public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));
        public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public string Name() => ReadName(ref _position);

        private readonly string ReadName(ref int position)
        {
            var name = new StringBuilder();
            var jumps = 0;
            var at = position;
            var jumped = false;
            while (true)
            {
                if (at >= _packet.Length) throw new FormatException("name runs past the end");
                var length = _packet[at];
                if ((length & 0xC0) == 0xC0)
                {
                    if (at + 1 >= _packet.Length || ++jumps > 16) throw new FormatException("bad compression pointer");
                    var target = ((length & 0x3F) << 8) | _packet[at + 1];
                    if (!jumped) position = at + 2;
                    jumped = true;
                    at = target;
                    continue;
                }
                if ((length & 0xC0) != 0) throw new FormatException("bad label");
                if (length == 0)
                {
                    if (!jumped) position = at + 1;
                    return name.ToString();
                }
                if (at + 1 + length > _packet.Length || name.Length > 255) throw new FormatException("label runs past the end");
                if (name.Length > 0) name.Append('.');
                name.Append(Encoding.UTF8.GetString(_packet.Slice(at + 1, length)));
                at += 1 + length;
            }
        }

        public DnsRecord Record()
        {
            var name = Name();
            var type = (DnsType)U16();
            var cls = U16();
            var ttl = U32();
            var length = U16();
            var dataStart = _position;
            var data = Take(length);
            var record = new DnsRecord(name, type, ttl, (cls & TopBit) != 0);
            var inner = dataStart;
            switch (type)
            {
                case DnsType.Ptr:
                    return record with { Target = ReadName(ref inner) };
                case DnsType.Srv:
                    if (length < 7) throw new FormatException("short SRV");
                    inner += 6;
                    return record with { Port = BinaryPrimitives.ReadUInt16BigEndian(data[4..]), Target = ReadName(ref inner) };
                case DnsType.A:
                    if (length != 4) throw new FormatException("A record is not 4 bytes");
                    return record with { Address = new IPAddress(data) };
                case DnsType.Txt:
                    var texts = new List<string>();
                    for (int i = 0; i < data.Length; i += 1 + data[i])
                    {
                        if (i + 1 + data[i] > data.Length) throw new FormatException("TXT string runs past its record");
                        texts.Add(Encoding.UTF8.GetString(data.Slice(i + 1, data[i])));
                    }
                    return record with { Texts = texts };
                default:
                    return record;
            }
        }
    }
}
