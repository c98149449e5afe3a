using System.Security.Cryptography;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// A single-file v1 torrent (BEP 3): the info dictionary (name, length, piece length, SHA-1 of every piece),
/// its info-hash, and the trackers to announce to. MoodDJ writes one for every track it caches, so peers and
/// other BitTorrent clients can fetch the track from each other.
/// </summary>
public sealed class TorrentMetainfo
{
    public const int DefaultPieceLength = 256 * 1024;
    /// <summary>Limits on metainfo from strangers: a track is never this large.</summary>
    public const long MaxLength = 4L * 1024 * 1024 * 1024;
    public const int MaxMetainfoBytes = 4 * 1024 * 1024;

    public required string Name { get; init; }
    public required long Length { get; init; }
    public required int PieceLength { get; init; }
    /// <summary>20 bytes per piece.</summary>
    public required byte[] PieceHashes { get; init; }
    public IReadOnlyList<string> Trackers { get; init; } = [];
    /// <summary>The bencoded info dictionary exactly as hashed (also what BEP 9 serves to magnet users).</summary>
    public required byte[] InfoBytes { get; init; }
    public required byte[] InfoHash { get; init; }

    public int PieceCount => PieceHashes.Length / 20;
    public string InfoHashHex => Convert.ToHexStringLower(InfoHash);
    public int PieceSize(int index) => (int)Math.Min(PieceLength, Length - (long)index * PieceLength);
    public ReadOnlySpan<byte> PieceHash(int index) => PieceHashes.AsSpan(index * 20, 20);

    /// <summary>Hashes <paramref name="path"/> piece by piece.</summary>
    public static async Task<TorrentMetainfo> CreateAsync(string path, IReadOnlyList<string> trackers,
        int pieceLength = DefaultPieceLength, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pieceLength, 16 * 1024);
        if (!int.IsPow2(pieceLength)) throw new ArgumentException($"piece length {pieceLength} is not a power of two", nameof(pieceLength));
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        long length = file.Length;
        int pieces = (int)((length + pieceLength - 1) / pieceLength);
        byte[] hashes = new byte[pieces * 20];
        byte[] buffer = new byte[pieceLength];
        for (int i = 0; i < pieces; i++)
        {
            int size = (int)Math.Min(pieceLength, length - (long)i * pieceLength);
            await file.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken);
            SHA1.HashData(buffer.AsSpan(0, size), hashes.AsSpan(i * 20, 20));
        }
        var info = new BDictionary
        {
            ["name"] = Path.GetFileName(path),
            ["length"] = length,
            ["piece length"] = (long)pieceLength,
            ["pieces"] = hashes,
        };
        return FromInfo(Bencode.Encode(info), trackers);
    }

    /// <summary>Builds the metainfo from a bencoded info dictionary (from a .torrent or from peers via BEP 9).</summary>
    public static TorrentMetainfo FromInfo(byte[] infoBytes, IReadOnlyList<string> trackers)
    {
        if (Bencode.Decode(infoBytes) is not BDictionary info) throw new FormatException("torrent: info is not a dictionary");
        string name = info.Text("name") ?? throw new FormatException("torrent: info has no name");
        if (info.ContainsKey("files")) throw new FormatException("torrent: multi-file torrents are not supported (a track is one file)");
        long length = info.Number("length") ?? throw new FormatException("torrent: info has no length");
        long pieceLength = info.Number("piece length") ?? throw new FormatException("torrent: info has no piece length");
        byte[] pieces = info.Bytes("pieces") ?? throw new FormatException("torrent: info has no pieces");
        if (length <= 0 || length > MaxLength) throw new FormatException($"torrent: length {length} is out of range (1..{MaxLength})");
        if (pieceLength < 1024 || pieceLength > 64 * 1024 * 1024) throw new FormatException($"torrent: piece length {pieceLength} is out of range");
        long expectedPieces = (length + pieceLength - 1) / pieceLength;
        if (pieces.Length != expectedPieces * 20)
            throw new FormatException($"torrent: {pieces.Length / 20} piece hashes for {expectedPieces} pieces");
        if (name.Contains('/') || name.Contains('\\') || name is "." or ".." || name.Length == 0)
            throw new FormatException($"torrent: unsafe file name \"{name}\"");
        return new TorrentMetainfo
        {
            Name = name, Length = length, PieceLength = (int)pieceLength, PieceHashes = pieces,
            Trackers = trackers, InfoBytes = infoBytes, InfoHash = SHA1.HashData(infoBytes),
        };
    }

    public static TorrentMetainfo Parse(ReadOnlySpan<byte> torrentFile)
    {
        if (torrentFile.Length > MaxMetainfoBytes) throw new FormatException($"torrent: larger than {MaxMetainfoBytes} bytes");
        var (root, infoSpan) = Bencode.DecodeWithSpan(torrentFile, "info");
        if (infoSpan.End.Value == 0) throw new FormatException("torrent: no info dictionary");
        var trackers = new List<string>();
        if (root.Text("announce") is { } announce) trackers.Add(announce);
        foreach (object tier in root.List("announce-list") ?? [])
            foreach (object url in tier as List<object> ?? [])
                if (url is byte[] bytes && System.Text.Encoding.UTF8.GetString(bytes) is var text && !trackers.Contains(text)) trackers.Add(text);
        return FromInfo(torrentFile[infoSpan].ToArray(), trackers);
    }

    public byte[] ToTorrentFile()
    {
        using var stream = new MemoryStream();
        stream.WriteByte((byte)'d');
        if (Trackers.Count > 0)
        {
            Bencode.Write(stream, "announce");
            Bencode.Write(stream, Trackers[0]);
        }
        // "info" sorts after "announce" and before nothing else we write; its bytes are kept verbatim.
        Bencode.Write(stream, "info");
        stream.Write(InfoBytes);
        stream.WriteByte((byte)'e');
        return stream.ToArray();
    }

    /// <summary>A magnet link (BEP 9) naming the info-hash, the file and the trackers.</summary>
    public string ToMagnet() => MagnetLink.Format(InfoHash, Name, Trackers);
}
