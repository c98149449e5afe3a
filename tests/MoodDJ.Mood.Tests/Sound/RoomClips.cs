using System.Diagnostics;

namespace MoodDJ.Mood.Tests.Sound;

/// <summary>
/// WAV files whose character is known, made once per test class with ffmpeg's generators and
/// espeak-ng: a quiet room (faint pink noise), a loud party (kick, bass, hi-hat at 128 BPM),
/// a roar (loud white noise), people talking, and soft, slow, dark chords (A minor, swelling every 4 s).
/// </summary>
public sealed class RoomClips : IDisposable
{
    public RoomClips()
    {
        Folder = Path.Combine(Path.GetTempPath(), "mooddj-room-clips-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Ffmpeg(Quiet, "anoisesrc=color=pink:amplitude=0.002:seed=1", 6);
        // 128 BPM: a beat every 0.46875 s, off-beat hats every 0.234375 s.
        Ffmpeg(Party, "aevalsrc='0.8*sin(2*PI*55*t)*exp(-12*mod(t,0.46875)) + 0.3*sin(2*PI*660*t)*exp(-6*mod(t+0.234,0.46875))"
            + " + 0.3*(random(0)-0.5)*exp(-40*mod(t+0.117,0.234375)) + 0.2*sin(2*PI*880*t)*exp(-8*mod(t,0.234375))':s=22050", 8);
        Ffmpeg(Roar, "anoisesrc=color=white:amplitude=0.5:seed=2", 6);
        Ffmpeg(Dark, "aevalsrc='0.04*sin(2*PI*110*t)*(0.6+0.4*sin(2*PI*0.25*t)) + 0.025*sin(2*PI*130.8*t) + 0.02*sin(2*PI*164.8*t)':s=22050", 8);
        Run("espeak-ng", "-w", Talk, "Hello everyone, thanks for coming tonight. I was just saying to Anna that the train was late again,"
            + " and then we walked over here together. How was your week? Mine was fine, busy but fine.");
    }

    public string Folder { get; }
    public string Quiet => Path.Combine(Folder, "quiet.wav");
    public string Party => Path.Combine(Folder, "party.wav");
    public string Roar => Path.Combine(Folder, "roar.wav");
    public string Dark => Path.Combine(Folder, "dark.wav");
    public string Talk => Path.Combine(Folder, "talk.wav");

    private static void Ffmpeg(string path, string source, int seconds) =>
        Run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t", seconds.ToString(), "-ar", "22050", "-ac", "1", path);

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{program} did not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {error}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
