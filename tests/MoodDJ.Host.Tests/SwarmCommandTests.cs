using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj seed` and `mooddj fetch` as a user runs them: share a track, fetch it by its magnet link.</summary>
public class SwarmCommandTests
{
    [Fact]
    public async Task A_track_seeded_by_one_mooddj_is_fetched_by_another_from_its_magnet_link()
    {
        using var temp = new TempFolder();
        string shared = Path.Combine(temp.Path, "shared"), fetched = Path.Combine(temp.Path, "fetched");
        Directory.CreateDirectory(shared);
        byte[] track = new byte[700_000];
        new Random(7).NextBytes(track);
        await File.WriteAllBytesAsync(Path.Combine(shared, "song.ogg"), track);

        await using var seeder = RunningProcess.StartMooddj(shared, null, ["seed", "song.ogg", "--port", "0", "--piece-kib", "32"]);
        string line = await seeder.WaitForAsync("magnet:?xt=urn:btih:");
        string magnet = line[line.IndexOf("magnet:", StringComparison.Ordinal)..].Trim();
        Assert.True(File.Exists(Path.Combine(shared, "song.ogg.torrent")), seeder.ToString());

        var result = await MooddjProcess.RunAsync(temp.Path, "fetch", magnet, "--out", fetched, "--timeout", "60");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Fetched", result.StdOut);
        Assert.Equal(track, await File.ReadAllBytesAsync(Path.Combine(fetched, "song.ogg")));

        // Fetching again finds the file complete; a file that is not a torrent gets one clear line.
        var again = await MooddjProcess.RunAsync(temp.Path, "fetch", Path.Combine(fetched, "song.ogg.torrent"), "--out", fetched);
        Assert.Contains("already complete", again.StdOut);
        var wrong = await MooddjProcess.RunAsync(temp.Path, "fetch", Path.Combine(fetched, "song.ogg"));
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("is not a usable torrent file", wrong.StdErr);
    }
}
