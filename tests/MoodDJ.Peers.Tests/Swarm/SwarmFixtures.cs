using System.Net;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Peers.Tests.Swarm;

/// <summary>A temporary folder with a track-sized file and its torrent, and seeders started over copies of it.</summary>
internal sealed class SwarmFolder : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("mooddj-swarm-").FullName;
    public string SourcePath => Path.Combine(Root, "source", "track.bin");
    public byte[] Content { get; private set; } = [];
    public TorrentMetainfo Torrent { get; private set; } = null!;

    public static async Task<SwarmFolder> CreateAsync(int length, int pieceLength, IReadOnlyList<string>? trackers = null)
    {
        var folder = new SwarmFolder();
        Directory.CreateDirectory(Path.GetDirectoryName(folder.SourcePath)!);
        folder.Content = new byte[length];
        new Random(length).NextBytes(folder.Content);
        await File.WriteAllBytesAsync(folder.SourcePath, folder.Content);
        folder.Torrent = await TorrentMetainfo.CreateAsync(folder.SourcePath, trackers ?? [], pieceLength);
        return folder;
    }

    /// <summary>A seeder on 127.0.0.1 serving its own copy; a corrupt one has a byte flipped in every piece.</summary>
    public SwarmSeeder StartSeeder(string name, bool corrupt = false, SwarmOptions? options = null)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, Torrent.Name);
        byte[] copy = (byte[])Content.Clone();
        if (corrupt)
            for (int piece = 0; piece < Torrent.PieceCount; piece++) copy[(long)piece * Torrent.PieceLength] ^= 0xFF;
        File.WriteAllBytes(path, copy);
        var store = corrupt ? PieceStore.OpenUnverified(Torrent, path) : PieceStore.Open(Torrent, path);
        var seeder = new SwarmSeeder(new IPEndPoint(IPAddress.Loopback, 0), options);
        seeder.Add(store);
        seeder.Start();
        _owned.Add(seeder);
        _owned.Add(new DisposeStore(store));
        return seeder;
    }

    public string DownloadPath(string name)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, Torrent.Name);
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    private sealed class DisposeStore(PieceStore store) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() { store.Dispose(); return ValueTask.CompletedTask; }
    }
}

internal static class PeerList
{
    public static Func<CancellationToken, ValueTask<IReadOnlyList<IPEndPoint>>> Of(params IPEndPoint[] peers) =>
        _ => ValueTask.FromResult<IReadOnlyList<IPEndPoint>>(peers);
}
