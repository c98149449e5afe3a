using MoodDJ.Music;

namespace MoodDJ.Sources.Tests;

[CollectionDefinition(nameof(KillsProcesses), DisableParallelization = true)]
public sealed class KillsProcesses;

/// <summary>Kills real ffmpeg processes, so it runs alone.</summary>
[Collection(nameof(KillsProcesses))]
public class DirectorFailureTests
{
    [Fact(Timeout = 60000)]
    public async Task A_track_whose_ffmpeg_is_killed_mid_way_is_logged_and_the_next_track_starts()
    {
        using var folder = new TempFolder();
        var source = await DirectorTests.Library(folder, 60, ("a.wav", 400, "sad"), ("b.wav", 800, "sad"));
        await using var director = new MusicDirector([source], DirectorTests.Format, DirectorTests.Options());
        await director.SetMoodAsync(DirectorTests.Sad);
        await DirectorTests.Read(director, 0.5);
        var victim = director.NowPlaying!;

        var killed = 0;
        foreach (var pid in FfmpegDecoding(folder.Path))
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            killed++;
        }
        Assert.Equal(1, killed);

        // What was decoded ahead (the director's buffer plus the pipe) still plays first; how much
        // that is depends on how far ffmpeg got before the kill, so read on until the hand-over.
        for (var read = 0.0; read < 10 && director.NowPlaying!.Id == victim.Id; read += 0.5)
            await DirectorTests.Read(director, 0.5);
        Assert.NotEqual(victim.Id, director.NowPlaying!.Id);
        var failed = Assert.Single(director.History);
        Assert.Equal(TrackEndReason.Failed, failed.Reason);
        Assert.Contains("killed", failed.Error);
        var more = await DirectorTests.Read(director, 0.5);
        Assert.True(TestAudio.Rms(more.AsSpan(more.Length - 2205)) > 0.3); // music, not silence
    }

    private static List<int> FfmpegDecoding(string folder)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText($"{dir}/cmdline").Split('\0');
                if (Path.GetFileName(cmdline[0]) == "ffmpeg" && cmdline.Any(a => a.StartsWith(folder, StringComparison.Ordinal)))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }
}
