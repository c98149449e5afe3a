using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.AlsaOutput;

/// <summary>
/// "alsa": plays through an ALSA device chosen by name. It keeps to real time with its own clock too,
/// because some devices (the "null" one) accept audio as fast as it comes.
/// </summary>
public sealed class AlsaAudioOutput(string device, TimeSpan latency) : IAudioOutput
{
    public AlsaAudioOutput() : this("default", TimeSpan.FromMilliseconds(100))
    {
    }

    public string Device { get; } = string.IsNullOrWhiteSpace(device)
        ? throw new ArgumentException("The ALSA device name (plugins:settings:alsa:device) must not be empty.", nameof(device))
        : device;

    /// <summary>How much audio may be queued ahead of what is heard.</summary>
    public TimeSpan Latency { get; } = latency > TimeSpan.Zero ? latency : throw new ArgumentOutOfRangeException(nameof(latency));

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AlsaNative.SilenceErrorOutput();
        AlsaPcmHandle pcm;
        int error;
        try
        {
            error = AlsaNative.snd_pcm_open(out pcm, Device, AlsaNative.StreamPlayback, AlsaNative.ModeNonBlocking);
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException($"{AlsaNative.Library} is not installed: apt-get install libasound2, or pick another audioOutput.", e);
        }
        if (error < 0)
        {
            pcm.Dispose();
            throw new InvalidOperationException(error == -AlsaNative.ENOENT
                ? $"ALSA device '{Device}' not found ({error}): pick one with plugins:settings:alsa:device; `aplay -L` lists them."
                : $"ALSA device '{Device}' could not be opened ({error}: {AlsaNative.ErrorText(error)}): check plugins:settings:alsa:device; `aplay -L` lists devices.");
        }
        error = AlsaNative.snd_pcm_set_params(pcm, AlsaNative.FormatS16LittleEndian, AlsaNative.AccessReadWriteInterleaved,
            (uint)format.Channels, (uint)format.SampleRate, softResample: 1, (uint)Latency.TotalMicroseconds);
        if (error < 0)
        {
            pcm.Dispose();
            throw new InvalidOperationException($"ALSA device '{Device}' does not take {format} as 16-bit PCM ({error}: {AlsaNative.ErrorText(error)}).");
        }
        return ValueTask.FromResult<IAudioPlayback>(new AlsaPlayback(pcm, format, Device, Latency));
    }
}
