using System.Collections;
using System.Security.Cryptography;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// The file a torrent describes, with the set of pieces we hold. Opening an existing file checks every piece
/// against its hash, so an interrupted download resumes where it stopped and a damaged file is repaired.
/// </summary>
public sealed class PieceStore : IDisposable
{
    private readonly TorrentMetainfo _torrent;
    private readonly FileStream _file;
    private readonly BitArray _have;
    private readonly Lock _lock = new();

    public string Path { get; }
    public int HaveCount { get; private set; }
    public bool IsComplete => HaveCount == _torrent.PieceCount;
    public TorrentMetainfo Torrent => _torrent;

    private PieceStore(TorrentMetainfo torrent, string path, FileStream file)
    {
        _torrent = torrent;
        Path = path;
        _file = file;
        _have = new BitArray(torrent.PieceCount);
    }

    /// <summary>Opens (or creates) <paramref name="path"/> and verifies what is already there.</summary>
    public static PieceStore Open(TorrentMetainfo torrent, string path)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var store = new PieceStore(torrent, path, file);
        if (file.Length > torrent.Length) file.SetLength(torrent.Length);
        long existing = file.Length;
        byte[] buffer = new byte[torrent.PieceLength];
        for (int i = 0; i < torrent.PieceCount; i++)
        {
            int size = torrent.PieceSize(i);
            if ((long)i * torrent.PieceLength + size > existing) break;
            file.Position = (long)i * torrent.PieceLength;
            file.ReadExactly(buffer, 0, size);
            if (HashMatches(torrent, i, buffer.AsSpan(0, size))) store.Mark(i);
        }
        file.SetLength(torrent.Length);
        return store;
    }

    /// <summary>Serves <paramref name="path"/> as if every piece were good, without checking. Only tests use it, to
    /// play a peer that serves corrupt data.</summary>
    public static PieceStore OpenUnverified(TorrentMetainfo torrent, string path)
    {
        var store = new PieceStore(torrent, path, new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        for (int i = 0; i < torrent.PieceCount; i++) store.Mark(i);
        return store;
    }

    public bool Has(int piece)
    {
        lock (_lock) return _have[piece];
    }

    /// <summary>BEP 3 bitfield: piece 0 is the high bit of the first byte; spare bits are zero.</summary>
    public byte[] Bitfield()
    {
        byte[] bits = new byte[(_torrent.PieceCount + 7) / 8];
        lock (_lock)
            for (int i = 0; i < _torrent.PieceCount; i++)
                if (_have[i]) bits[i >> 3] |= (byte)(0x80 >> (i & 7));
        return bits;
    }

    /// <summary>Checks a whole downloaded piece and writes it. False when the hash does not match (nothing is written).</summary>
    public bool TryWritePiece(int piece, ReadOnlySpan<byte> data)
    {
        if (data.Length != _torrent.PieceSize(piece) || !HashMatches(_torrent, piece, data)) return false;
        lock (_lock)
        {
            if (_have[piece]) return true;
            _file.Position = (long)piece * _torrent.PieceLength;
            _file.Write(data);
            _file.Flush();
            Mark(piece);
        }
        return true;
    }

    public void ReadBlock(int piece, int begin, Span<byte> destination)
    {
        lock (_lock)
        {
            _file.Position = (long)piece * _torrent.PieceLength + begin;
            _file.ReadExactly(destination);
        }
    }

    private void Mark(int piece)
    {
        if (_have[piece]) return;
        _have[piece] = true;
        HaveCount++;
    }

    private static bool HashMatches(TorrentMetainfo torrent, int piece, ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(data, hash);
        return hash.SequenceEqual(torrent.PieceHash(piece));
    }

    public void Dispose() => _file.Dispose();
}
