using System.Text;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// Bencoding (BEP 3): integers, byte strings, lists and dictionaries. Decoded values are <see cref="long"/>,
/// <see cref="byte"/>[] , <see cref="List{T}"/> of objects and <see cref="BDictionary"/>. Input comes from
/// strangers, so depth and element counts are bounded and every error names its offset.
/// </summary>
public static class Bencode
{
    public const int MaxDepth = 32;
    public const int MaxElements = 1_000_000;

    public static object Decode(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        object value = reader.ReadValue(0);
        if (reader.Position != data.Length)
            throw new FormatException($"bencode: {data.Length - reader.Position} unexpected bytes after the value at offset {reader.Position}");
        return value;
    }

    /// <summary>Decodes a dictionary and returns where the value of <paramref name="key"/> lies in <paramref name="data"/>
    /// (the info-hash is the SHA-1 of those exact bytes, so they must not be re-encoded).</summary>
    public static (BDictionary Root, Range KeySpan) DecodeWithSpan(ReadOnlySpan<byte> data, string key)
    {
        var reader = new Reader(data) { SpanKey = key };
        if (reader.ReadValue(0) is not BDictionary root) throw new FormatException("bencode: the top level is not a dictionary");
        if (reader.Position != data.Length) throw new FormatException($"bencode: unexpected bytes after offset {reader.Position}");
        return (root, reader.FoundSpan);
    }

    public static byte[] Encode(object value)
    {
        using var stream = new MemoryStream();
        Write(stream, value);
        return stream.ToArray();
    }

    public static void Write(Stream stream, object value)
    {
        switch (value)
        {
            case long n: WriteAscii(stream, $"i{n}e"); break;
            case int n: WriteAscii(stream, $"i{n}e"); break;
            case byte[] bytes: WriteAscii(stream, $"{bytes.Length}:"); stream.Write(bytes); break;
            case string text: Write(stream, Encoding.UTF8.GetBytes(text)); break;
            case BDictionary dict:
                stream.WriteByte((byte)'d');
                foreach (var (key, item) in dict.Sorted())
                {
                    Write(stream, key);
                    Write(stream, item);
                }
                stream.WriteByte((byte)'e');
                break;
            case IEnumerable<object> list:
                stream.WriteByte((byte)'l');
                foreach (object item in list) Write(stream, item);
                stream.WriteByte((byte)'e');
                break;
            default: throw new ArgumentException($"bencode cannot write a {value.GetType().Name}");
        }
    }

    private static void WriteAscii(Stream stream, string text)
    {
        Span<byte> buffer = stackalloc byte[32];
        int n = Encoding.ASCII.GetBytes(text, buffer);
        stream.Write(buffer[..n]);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _elements;
        public int Position;
        public string? SpanKey;
        public Range FoundSpan;

        public object ReadValue(int depth)
        {
            if (depth > MaxDepth) throw new FormatException($"bencode: nesting deeper than {MaxDepth} at offset {Position}");
            if (++_elements > MaxElements) throw new FormatException($"bencode: more than {MaxElements} elements");
            if (Position >= _data.Length) throw new FormatException($"bencode: truncated at offset {Position}");
            switch (_data[Position])
            {
                case (byte)'i':
                    Position++;
                    return ReadInteger((byte)'e');
                case (byte)'l':
                    Position++;
                    var list = new List<object>();
                    while (Peek() != 'e') list.Add(ReadValue(depth + 1));
                    Position++;
                    return list;
                case (byte)'d':
                    Position++;
                    var dict = new BDictionary();
                    while (Peek() != 'e')
                    {
                        string key = Encoding.UTF8.GetString(ReadBytes());
                        int start = Position;
                        object item = ReadValue(depth + 1);
                        if (depth == 0 && key == SpanKey) FoundSpan = start..Position;
                        dict[key] = item;
                    }
                    Position++;
                    return dict;
                case >= (byte)'0' and <= (byte)'9':
                    return ReadBytes();
                default:
                    throw new FormatException($"bencode: unexpected byte 0x{_data[Position]:x2} at offset {Position}");
            }
        }

        private char Peek() =>
            Position < _data.Length ? (char)_data[Position] : throw new FormatException($"bencode: truncated at offset {Position}");

        private byte[] ReadBytes()
        {
            long length = ReadInteger((byte)':');
            if (length < 0 || length > _data.Length - Position)
                throw new FormatException($"bencode: a string of {length} bytes overruns the input at offset {Position}");
            byte[] bytes = _data.Slice(Position, (int)length).ToArray();
            Position += (int)length;
            return bytes;
        }

        private long ReadInteger(byte terminator)
        {
            int start = Position;
            int end = _data[Position..].IndexOf(terminator);
            if (end < 0 || end > 20) throw new FormatException($"bencode: a bad number at offset {start}");
            if (!long.TryParse(_data.Slice(Position, end), System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out long value))
                throw new FormatException($"bencode: a bad number at offset {start}");
            Position += end + 1;
            return value;
        }
    }
}

/// <summary>A bencoded dictionary: keys are written in byte order, as BEP 3 requires.</summary>
public sealed class BDictionary : Dictionary<string, object>
{
    public IEnumerable<KeyValuePair<string, object>> Sorted() =>
        this.OrderBy(pair => Encoding.UTF8.GetBytes(pair.Key), ByteOrder.Instance);

    public byte[]? Bytes(string key) => TryGetValue(key, out object? value) ? value as byte[] : null;
    public string? Text(string key) => Bytes(key) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
    public long? Number(string key) => TryGetValue(key, out object? value) && value is long n ? n : null;
    public BDictionary? Dict(string key) => TryGetValue(key, out object? value) ? value as BDictionary : null;
    public List<object>? List(string key) => TryGetValue(key, out object? value) ? value as List<object> : null;

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
