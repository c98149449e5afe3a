using System.Security.Cryptography;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Peers.Tests.Swarm;

public sealed class TorrentMetainfoTests
{
    [Fact]
    public async Task A_written_torrent_parses_back_with_the_same_info_hash_and_magnet()
    {
        await using var folder = await SwarmFolder.CreateAsync(300_000, 32 * 1024, ["udp://127.0.0.1:5700"]);
        TorrentMetainfo torrent = folder.Torrent;
        Assert.Equal(10, torrent.PieceCount);
        Assert.Equal(300_000 - 9 * 32 * 1024, torrent.PieceSize(9));
        Assert.Equal(SHA1.HashData(torrent.InfoBytes), torrent.InfoHash);

        TorrentMetainfo parsed = TorrentMetainfo.Parse(torrent.ToTorrentFile());
        Assert.Equal(torrent.InfoHashHex, parsed.InfoHashHex);
        Assert.Equal(["udp://127.0.0.1:5700"], parsed.Trackers);

        MagnetLink magnet = MagnetLink.Parse(torrent.ToMagnet() + "&x.pe=127.0.0.1:6881");
        Assert.Equal(torrent.InfoHash, magnet.InfoHash);
        Assert.Equal("track.bin", magnet.Name);
        Assert.Equal("127.0.0.1:6881", Assert.Single(magnet.Peers).ToString());
    }

    [Theory]
    [InlineData("d4:infod4:name1:x6:lengthi0e12:piece lengthi16384e6:pieces0:ee", "length 0")]
    [InlineData("d4:infod4:name2:..6:lengthi5e12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaaee", "unsafe file name")]
    [InlineData("d4:infod4:name1:x6:lengthi5e12:piece lengthi16384e6:pieces3:abcee", "piece hashes")]
    [InlineData("d8:announce3:abce", "no info")]
    public void Bad_metainfo_is_refused_with_what_was_wrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TorrentMetainfo.Parse(System.Text.Encoding.ASCII.GetBytes(text)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_magnet_without_an_info_hash_is_refused()
    {
        Assert.Contains("info-hash", Assert.Throws<FormatException>(() => MagnetLink.Parse("magnet:?dn=x")).Message);
    }
}
