using System.Globalization;
using System.Runtime.InteropServices;
using MoodDJ.Plugins.Shared.Processes;

namespace MoodDJ.Plugins.SoundMood;

/// <summary>
/// Gets a mono f32 clip: <c>alsa[:DEVICE]</c> records from a microphone with alsa-utils' arecord
/// (in real time: a 5 s listen takes 5 s); a file path is decoded by ffmpeg as fast as it can.
/// </summary>
public sealed class SoundClipReader(SoundMoodOptions options)
{
    public async Task<float[]> ReadAsync(string source, TimeSpan length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (length <= TimeSpan.Zero || length > options.MaxListen)
            throw new ArgumentException($"The length to listen must be more than 0 s and at most maxListenSeconds ({options.MaxListen.TotalSeconds:0} s), not {length.TotalSeconds:0.###} s.");
        var command = Command(source.Trim(), length);
        var maxBytes = (int)Math.Ceiling(length.TotalSeconds * options.SampleRate) * sizeof(float);
        await using var running = command.Start();
        try
        {
            var bytes = new byte[maxBytes];
            var total = 0;
            int n;
            while (total < maxBytes && (n = await running.StandardOutput.ReadAsync(bytes.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
                total += n;
            if (total < maxBytes)
                await running.EnsureSuccessAsync(cancellationToken).ConfigureAwait(false);
            else
                await running.KillAsync().ConfigureAwait(false); // arecord's -d counts whole seconds; the clip is complete
            var clip = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, total - total % sizeof(float))).ToArray();
            DropJunk(clip);
            return clip;
        }
        catch (OperationCanceledException)
        {
            await running.KillAsync().ConfigureAwait(false);
            throw;
        }
        catch (ProcessCommandException e) when (e is not ExecutableNotFoundException)
        {
            throw new InvalidOperationException($"Could not read sound from '{source}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Zeroes samples no capture or decode makes (NaN, infinity, beyond ±16): ALSA's <c>null</c> device
    /// hands arecord an uninitialised buffer, whose junk would otherwise read as a deafening noisy room.
    /// Returns how many were zeroed.
    /// </summary>
    public static int DropJunk(Span<float> samples)
    {
        var dropped = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            if (float.IsFinite(samples[i]) && MathF.Abs(samples[i]) <= 16f) continue;
            samples[i] = 0;
            dropped++;
        }
        return dropped;
    }

    private ProcessCommand Command(string source, TimeSpan length)
    {
        var rate = options.SampleRate.ToString(CultureInfo.InvariantCulture);
        if (source == "alsa" || source.StartsWith("alsa:", StringComparison.Ordinal))
        {
            var device = source.Length > 5 ? source[5..] : options.Device;
            var seconds = Math.Max(1, (int)Math.Ceiling(length.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return new ProcessCommand(options.ArecordPath)
                .WithArguments("-q", "-D", device, "-f", "FLOAT_LE", "-r", rate, "-c", "1", "-t", "raw", "-d", seconds);
        }
        var file = new FileInfo(source);
        if (source.Length == 0 || !file.Exists)
            throw new ArgumentException($"'{source}' is neither an audio file nor alsa[:DEVICE].");
        if (file.Length > options.MaxFileBytes)
            throw new ArgumentException($"'{source}' is larger than maxFileMegabytes ({options.MaxFileBytes / (1024 * 1024)} MB).");
        return new ProcessCommand(options.FfmpegPath).WithArguments("-hide_banner", "-loglevel", "error", "-nostdin",
            "-i", file.FullName, "-t", length.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            "-f", "f32le", "-ar", rate, "-ac", "1", "pipe:1");
    }
}
