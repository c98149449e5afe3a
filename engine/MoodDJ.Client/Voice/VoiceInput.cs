using System.Diagnostics;
using System.Globalization;
using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Client.Voice;

/// <summary>
/// Where a talker's voice comes from, as 32-bit float PCM at the station's format, at real-time pace:
/// <c>alsa[:DEVICE]</c> captures from ALSA (alsa-utils' arecord), a file path is decoded by ffmpeg
/// (<c>-re</c> plays it in real time), and <c>tone:HZ</c> is ffmpeg's sine source, for trying it out.
/// A process does the capture or decoding; this reads its stdout and stops it with SIGTERM.
/// </summary>
public sealed class VoiceInput : IAsyncDisposable
{
    private readonly Process _process;

    private VoiceInput(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    public string Description { get; }

    public Stream Pcm => _process.StandardOutput.BaseStream;

    /// <summary>Starts the capture or decoder for <paramref name="spec"/>; throws <see cref="ArgumentException"/> naming what is wrong with it.</summary>
    public static VoiceInput Start(string spec, AudioFormat format, TimeSpan? length = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var rate = format.SampleRate.ToString(CultureInfo.InvariantCulture);
        var channels = format.Channels.ToString(CultureInfo.InvariantCulture);
        var seconds = length is { } l ? l.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) : null;
        List<string> args;
        string program, description;
        if (spec == "alsa" || spec.StartsWith("alsa:", StringComparison.Ordinal))
        {
            var device = spec.Length > 5 ? spec[5..] : "default";
            program = "arecord";
            args = ["-q", "-D", device, "-f", "FLOAT_LE", "-r", rate, "-c", channels, "-t", "raw"];
            if (seconds is not null) args.AddRange(["-d", Math.Max(1, (int)Math.Ceiling(length!.Value.TotalSeconds)).ToString(CultureInfo.InvariantCulture)]);
            description = $"ALSA capture device '{device}'";
        }
        else
        {
            program = "ffmpeg";
            args = ["-hide_banner", "-loglevel", "error", "-nostdin", "-re"];
            if (spec.StartsWith("tone:", StringComparison.Ordinal))
            {
                if (!double.TryParse(spec[5..], NumberStyles.Float, CultureInfo.InvariantCulture, out var hz) || hz is < 20 or > 20000)
                    throw new ArgumentException($"'{spec}': a tone is tone:HZ with HZ between 20 and 20000, e.g. tone:440.");
                args.AddRange(["-f", "lavfi", "-i", $"sine=frequency={hz.ToString(CultureInfo.InvariantCulture)}:sample_rate={rate}"]);
                description = $"a {hz} Hz tone";
            }
            else
            {
                if (!File.Exists(spec))
                    throw new ArgumentException($"'{spec}' is not a file, alsa[:DEVICE] or tone:HZ.");
                args.AddRange(["-i", spec]);
                description = $"'{Path.GetFileName(spec)}'";
            }
            if (seconds is not null) args.AddRange(["-t", seconds]);
            args.AddRange(["-f", "f32le", "-ar", rate, "-ac", channels, "pipe:1"]);
        }
        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Process process;
        try { process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start."); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} could not be started ({e.Message}); install {(program == "arecord" ? "alsa-utils" : "ffmpeg")}.", e);
        }
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new VoiceInput(process, description);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
                if (kill is not null) await kill.WaitForExitAsync().ConfigureAwait(false);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try { await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
