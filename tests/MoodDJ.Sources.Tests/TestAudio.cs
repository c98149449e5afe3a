using System.Diagnostics;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Music;

namespace MoodDJ.Sources.Tests;

/// <summary>Generates test audio with the real ffmpeg (lavfi sources) and reads PCM streams back.</summary>
static class TestAudio
{
    /// <summary>Runs ffmpeg synchronously; throws with its stderr if it fails.</summary>
    public static void Ffmpeg(params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(args)) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', args)} failed: {stderr.Result}");
    }

    /// <summary>A sine of <paramref name="hz"/> for <paramref name="seconds"/>, encoded by the file's extension.</summary>
    public static string Sine(string path, double hz = 440, double seconds = 3, double volume = 0.5, params string[] encoderArgs)
    {
        if (encoderArgs.Length == 0 && path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
            return WriteWav(path, 44100, (int)(seconds * 44100), i => volume * Math.Sin(2 * Math.PI * hz * i / 44100));
        Ffmpeg([.. Lavfi($"aevalsrc={volume}*sin(2*PI*{hz}*t):s=44100:d={seconds}"), .. encoderArgs, path]);
        return path;
    }

    /// <summary>A 16-bit mono WAV written directly (cheaper than starting ffmpeg on a loaded machine).</summary>
    public static string WriteWav(string path, int sampleRate, int samples, Func<int, double> signal)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8);
        writer.Write(36 + samples * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(sampleRate);
        writer.Write(sampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var i = 0; i < samples; i++)
            writer.Write((short)Math.Round(Math.Clamp(signal(i), -1, 1) * 32767));
        return path;
    }

    /// <summary>A sine whose frequency steps up by 100 Hz each second (200 Hz in second 0): position can be read back from pitch.</summary>
    public static string Staircase(string path, double seconds = 15, params string[] encoderArgs)
    {
        Ffmpeg([.. Lavfi($"aevalsrc=0.5*sin(2*PI*(200+100*floor(t))*t):s=44100:d={seconds}"), .. encoderArgs, path]);
        return path;
    }

    /// <summary>Loud 1 kHz clicks at <paramref name="bpm"/> over faint noise.</summary>
    public static string Clicks(string path, double bpm, double seconds = 20, double volume = 0.8)
    {
        var period = 60 / bpm;
        Ffmpeg([.. Lavfi($"aevalsrc={volume}*sin(2*PI*1500*t)*lt(mod(t\\,{period:0.######})\\,0.03)+0.01*(random(0)-0.5):s=44100:d={seconds}"), path]);
        return path;
    }

    public static string[] Lavfi(string graph) => ["-f", "lavfi", "-i", graph];

    public static bool HasEncoder(string name)
    {
        var info = new ProcessStartInfo("ffmpeg", "-hide_banner -encoders") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(info)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text.Split('\n').Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == name);
    }

    /// <summary>Reads up to <paramref name="samples"/> samples from a stream (fewer at its end).</summary>
    public static async Task<float[]> ReadAsync(IPcmStream stream, int samples, CancellationToken cancellationToken = default)
    {
        var result = new float[samples];
        var total = 0;
        while (total < samples)
        {
            var n = await stream.ReadAsync(result.AsMemory(total, Math.Min(4096, samples - total)), cancellationToken);
            if (n == 0) break;
            total += n;
        }
        return result[..total];
    }

    /// <summary>Power of <paramref name="hz"/> in a block of mono samples (Goertzel).</summary>
    public static double Power(ReadOnlySpan<float> block, double hz, int sampleRate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * hz / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var x in block)
        {
            var s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    }

    /// <summary>Which step of the staircase (its frequency is 200 + 100·step Hz) dominates <paramref name="block"/>.</summary>
    public static int StaircaseStep(ReadOnlySpan<float> block, int sampleRate, int maxStep = 30)
    {
        var best = -1;
        var bestPower = 0.0;
        for (var step = 0; step <= maxStep; step++)
        {
            var p = Power(block, 200 + 100 * step, sampleRate);
            if (p > bestPower) (best, bestPower) = (step, p);
        }
        return best;
    }

    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples) sum += s * (double)s;
        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mooddj-sources-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
