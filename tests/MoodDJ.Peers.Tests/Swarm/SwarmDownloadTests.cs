using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Peers.Tests.Swarm;

public sealed class SwarmDownloadTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Downloads_from_four_peers_and_bans_the_one_serving_corrupt_pieces()
    {
        await using var folder = await SwarmFolder.CreateAsync(2_000_000, 32 * 1024);
        SwarmSeeder[] seeders = [folder.StartSeeder("a"), folder.StartSeeder("b"), folder.StartSeeder("c"), folder.StartSeeder("bad", corrupt: true)];
        IPEndPoint corrupt = seeders[3].LocalEndPoint;

        using var store = PieceStore.Open(folder.Torrent, folder.DownloadPath("leecher"));
        var download = new SwarmDownload(store, new SwarmOptions { RequestsPerPeer = 4 });
        await download.RunAsync(PeerList.Of(seeders.Select(s => s.LocalEndPoint).ToArray()), CancellationToken.None).WaitAsync(Limit);

        Assert.True(store.IsComplete);
        store.Dispose();
        Assert.Equal(folder.Content, await File.ReadAllBytesAsync(folder.DownloadPath("leecher")));
        Assert.True(download.Stats.BadPieces >= 1, "the corrupt peer was never caught");
        Assert.True(download.Stats.Banned.ContainsKey(corrupt), "the corrupt peer was not banned");
        int honestSources = seeders[..3].Count(s => download.Stats.DownloadedFrom.GetValueOrDefault(s.LocalEndPoint) > 0);
        Assert.True(honestSources >= 2, $"only {honestSources} honest peers served pieces");
    }

    [Fact]
    public async Task An_interrupted_download_resumes_from_the_pieces_already_on_disk()
    {
        await using var folder = await SwarmFolder.CreateAsync(1_000_000, 16 * 1024);
        SwarmSeeder seeder = folder.StartSeeder("seed");
        string path = folder.DownloadPath("leecher");
        // Half the file is already there, and one of those pieces is damaged: it must be fetched again.
        byte[] partial = folder.Content[..500_000];
        partial[20_000] ^= 1;
        await File.WriteAllBytesAsync(path, partial);

        using var store = PieceStore.Open(folder.Torrent, path);
        int alreadyHeld = store.HaveCount;
        Assert.Equal(500_000 / (16 * 1024) - 1, alreadyHeld);
        var download = new SwarmDownload(store);
        await download.RunAsync(PeerList.Of(seeder.LocalEndPoint), CancellationToken.None).WaitAsync(Limit);
        Assert.True(store.IsComplete);
        long fetched = download.Stats.DownloadedFrom.Values.Sum();
        Assert.Equal(folder.Torrent.Length - (long)alreadyHeld * 16 * 1024, fetched);
        store.Dispose();
        Assert.Equal(folder.Content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_peer_announcing_pieces_it_does_not_have_is_dropped_and_the_download_finishes_elsewhere()
    {
        await using var folder = await SwarmFolder.CreateAsync(400_000, 16 * 1024);
        SwarmSeeder honest = folder.StartSeeder("seed");
        await using var liar = new LyingPeer(folder.Torrent);
        using var store = PieceStore.Open(folder.Torrent, folder.DownloadPath("leecher"));
        var download = new SwarmDownload(store, new SwarmOptions { RequestTimeout = TimeSpan.FromSeconds(1), RetryDelay = TimeSpan.FromMinutes(5) });
        // Only the liar is known at first, so its silence must be noticed; the honest seed turns up later.
        var started = DateTime.UtcNow;
        await download.RunAsync(_ => ValueTask.FromResult<IReadOnlyList<IPEndPoint>>(DateTime.UtcNow - started < TimeSpan.FromSeconds(2.5)
            ? [liar.EndPoint] : [liar.EndPoint, honest.LocalEndPoint]), CancellationToken.None).WaitAsync(Limit);
        Assert.True(store.IsComplete);
        Assert.True(download.Stats.Timeouts >= 1, "the lying peer's silence was not noticed");
        Assert.Equal(0, download.Stats.DownloadedFrom.GetValueOrDefault(liar.EndPoint));
    }

    [Fact]
    public async Task A_seeder_drops_oversized_and_out_of_range_messages_and_goes_on_serving()
    {
        await using var folder = await SwarmFolder.CreateAsync(200_000, 16 * 1024);
        SwarmSeeder seeder = folder.StartSeeder("seed");

        await SendAfterHandshakeAsync(seeder.LocalEndPoint, folder.Torrent, [0x7F, 0xFF, 0xFF, 0xFF, 5]);   // 2 GiB message
        await SendAfterHandshakeAsync(seeder.LocalEndPoint, folder.Torrent, Message(4, 9999));              // have for a piece that does not exist
        await SendAfterHandshakeAsync(seeder.LocalEndPoint, folder.Torrent, Message(2), Message(6, 0, 0, 1 << 20)); // a 1 MiB block
        await WaitUntilAsync(() => seeder.Stats.ProtocolViolations >= 3);

        using var store = PieceStore.Open(folder.Torrent, folder.DownloadPath("leecher"));
        await new SwarmDownload(store).RunAsync(PeerList.Of(seeder.LocalEndPoint), CancellationToken.None).WaitAsync(Limit);
        Assert.True(store.IsComplete);
    }

    [Fact]
    public async Task A_magnet_link_gets_its_metadata_from_a_peer()
    {
        await using var folder = await SwarmFolder.CreateAsync(100_000, 16 * 1024, ["udp://127.0.0.1:5700"]);
        SwarmSeeder seeder = folder.StartSeeder("seed");
        MagnetLink magnet = MagnetLink.Parse(folder.Torrent.ToMagnet());
        TorrentMetainfo fetched = await MetadataFetcher.FetchAsync(magnet, [seeder.LocalEndPoint], new SwarmOptions(), CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(folder.Torrent.InfoBytes, fetched.InfoBytes);
        Assert.Equal(["udp://127.0.0.1:5700"], fetched.Trackers);
    }

    private static byte[] Message(byte id, params int[] fields)
    {
        byte[] message = new byte[5 + 4 * fields.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, 1 + 4 * fields.Length);
        message[4] = id;
        for (int i = 0; i < fields.Length; i++) BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(5 + 4 * i), fields[i]);
        return message;
    }

    private static async Task SendAfterHandshakeAsync(IPEndPoint seeder, TorrentMetainfo torrent, params byte[][] messages)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(seeder);
        await socket.SendAsync(Handshake(torrent.InfoHash));
        foreach (byte[] message in messages) await socket.SendAsync(message);
        await Task.Delay(200);
    }

    internal static byte[] Handshake(byte[] infoHash)
    {
        byte[] handshake = new byte[68];
        handshake[0] = 19;
        Encoding.ASCII.GetBytes("BitTorrent protocol").CopyTo(handshake, 1);
        infoHash.CopyTo(handshake, 28);
        PeerIds.New().CopyTo(handshake, 48);
        return handshake;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// A peer that claims every piece and then never answers a request. No real client misbehaves on
    /// demand, so this one is written here: it speaks just enough of the wire protocol to lie.
    /// </summary>
    private sealed class LyingPeer : IAsyncDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public LyingPeer(TorrentMetainfo torrent)
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen();
            EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
            _loop = Task.Run(async () =>
            {
                var held = new List<Socket>();
                try
                {
                    while (true)
                    {
                        Socket socket = await _listener.AcceptAsync(_stop.Token);
                        held.Add(socket);
                        await socket.ReceiveAsync(new byte[68], _stop.Token);
                        await socket.SendAsync(Handshake(torrent.InfoHash));
                        byte[] bits = Enumerable.Repeat((byte)0xFF, (torrent.PieceCount + 7) / 8).ToArray();
                        bits[^1] = (byte)(0xFF << (bits.Length * 8 - torrent.PieceCount));
                        byte[] bitfield = new byte[5 + bits.Length];
                        BinaryPrimitives.WriteInt32BigEndian(bitfield, 1 + bits.Length);
                        bitfield[4] = 5;
                        bits.CopyTo(bitfield, 5);
                        await socket.SendAsync(bitfield);
                        await socket.SendAsync(Message(1)); // unchoke, then silence
                    }
                }
                catch (Exception) { }
                finally { foreach (Socket s in held) s.Dispose(); }
            });
        }

        public IPEndPoint EndPoint { get; }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Dispose();
            await _loop;
        }
    }
}
