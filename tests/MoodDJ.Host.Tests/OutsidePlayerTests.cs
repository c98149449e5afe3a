using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj listen`: ffmpeg, an outside RTP player, records the station through the SDP it writes.</summary>
public class OutsidePlayerTests
{
    [Fact]
    public async Task Ffmpeg_records_the_station_through_the_sdp_that_listen_writes()
    {
        using var temp = new TempFolder();
        var home = StationJoinTests.Home(temp.File("home"));
        await using var server = RunningProcess.StartMooddj(temp.Path, home, ["server", .. StationJoinTests.LoopbackFreePorts]);
        await server.WaitForAsync("mooddj player --join ");
        var sent = await MooddjProcess.RunAsAsync(temp.File("home"), temp.Path, "send", "I feel happy");
        Assert.True(sent.ExitCode == 0, sent.ToString());

        var sdpPath = temp.File("s.sdp");
        await using var listen = RunningProcess.StartMooddj(temp.Path, home, "listen", "--sdp", sdpPath, "--seconds", "40");
        await listen.WaitForAsync("wrote " + sdpPath);
        var sdp = await File.ReadAllTextAsync(sdpPath);
        Assert.Contains("RTP/SAVP", sdp);
        Assert.Contains("a=crypto:", sdp);
        Assert.DoesNotContain("m=audio 0 ", sdp);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sdpPath));

        var wav = temp.File("ffmpeg.wav");
        var ffmpeg = await MooddjProcess.RunProgramAsync("ffmpeg", temp.Path,
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp,srtp", "-i", sdpPath, "-t", "3", "-y", wav],
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(ffmpeg.ExitCode == 0, ffmpeg + "\n" + listen + "\n" + server);
        WavLevel.AssertMusic(wav, ffmpeg + "\n" + listen);
        await server.WaitForAsync(" joined from 127.0.0.1");
    }
}
