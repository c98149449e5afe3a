using System.Runtime.InteropServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.OpusCodec;

/// <summary>
/// Opus (RFC 7587) through libopus. Runs at 8, 12, 16, 24 or 48 kHz, mono or stereo; the RTP clock is
/// always 48 kHz. Frames of 2.5, 5, 10, 20, 40 or 60 ms (20 ms = 960 samples per channel at 48 kHz).
/// </summary>
public sealed class OpusCodec(OpusSettings settings) : IAudioCodec
{
    /// <summary>Largest payload one RTP packet may carry (never fragmented).</summary>
    public const int MaxPayloadBytes = 1200;

    private static readonly int[] Rates = [8000, 12000, 16000, 24000, 48000];
    private readonly Lazy<string?> _libraryProblem = new(FindLibraryProblem);

    public OpusCodec() : this(new OpusSettings())
    {
    }

    public OpusSettings Settings { get; } = settings ?? throw new ArgumentNullException(nameof(settings));

    public string EncodingName => "opus";

    public int RtpClockRate(AudioFormat format) => 48000;

    public bool Supports(AudioFormat format, out string reason)
    {
        if (Array.IndexOf(Rates, format.SampleRate) < 0)
        {
            reason = $"Opus runs at 8, 12, 16, 24 or 48 kHz, not {format.SampleRate} Hz: resample to 48000 Hz first.";
            return false;
        }
        if (format.Channels > 2)
        {
            reason = $"Opus here carries mono or stereo, not {format.Channels} channels.";
            return false;
        }
        if (_libraryProblem.Value is { } problem)
        {
            reason = problem;
            return false;
        }
        reason = "";
        return true;
    }

    public IAudioEncoder CreateEncoder(AudioFormat format, int frameSamplesPerChannel)
    {
        Check(format, frameSamplesPerChannel);
        return new OpusEncoder(format, frameSamplesPerChannel, Settings);
    }

    public IAudioDecoder CreateDecoder(AudioFormat format, int frameSamplesPerChannel)
    {
        Check(format, frameSamplesPerChannel);
        return new OpusDecoder(format, frameSamplesPerChannel);
    }

    private void Check(AudioFormat format, int frameSamplesPerChannel)
    {
        if (!Supports(format, out var reason)) throw new NotSupportedException(reason);
        // Opus frames last 2.5, 5, 10, 20, 40 or 60 ms: 400 ticks of 1/400 s for 2.5 ms.
        var units = frameSamplesPerChannel * 400L;
        var valid = units % format.SampleRate == 0 && (units / format.SampleRate) is 1 or 2 or 4 or 8 or 16 or 24;
        if (!valid)
            throw new ArgumentOutOfRangeException(nameof(frameSamplesPerChannel), frameSamplesPerChannel,
                $"An Opus frame lasts 2.5, 5, 10, 20, 40 or 60 ms; {frameSamplesPerChannel} samples at {format.SampleRate} Hz does not (20 ms = {format.SampleRate / 50}).");
    }

    private static string? FindLibraryProblem()
    {
        if (!NativeLibrary.TryLoad(OpusNative.Library, out var handle))
            return $"{OpusNative.Library} is not installed: apt-get install libopus0.";
        NativeLibrary.Free(handle);
        return null;
    }
}

/// <summary>Settings from <c>plugins:settings:opus</c>.</summary>
public sealed record OpusSettings
{
    /// <summary>Bits per second; 0 chooses 64 kbit/s for mono, 128 kbit/s for stereo (transparent music).</summary>
    public int Bitrate { get; init; }

    /// <summary>0 (fastest) … 10 (best).</summary>
    public int Complexity { get; init; } = 8;

    /// <summary>
    /// In-band FEC (OPUS_SET_INBAND_FEC): each packet may carry a low-rate copy of the one before, which a
    /// decoder uses when that one is lost. libopus only adds it in SILK/hybrid mode, which it picks for music
    /// when <see cref="ExpectedLossPercent"/> is about 8 or more; below that music stays CELT and loss is concealed.
    /// </summary>
    public bool InbandFec { get; init; } = true;

    /// <summary>The loss the encoder plans for (OPUS_SET_PACKET_LOSS_PERC), 0..100.</summary>
    public int ExpectedLossPercent { get; init; } = 5;

    /// <summary>
    /// DTX: silence (a paused station, a gap between tracks) is sent as 1–3 byte packets. Every packet is
    /// still sent, so the RTP clock and sequence stay continuous.
    /// </summary>
    public bool Dtx { get; init; } = true;

    public int BitrateFor(int channels) => Bitrate > 0 ? Bitrate : channels == 1 ? 64000 : 128000;

    /// <summary>Throws a <see cref="SettingsException"/> naming the key under <paramref name="path"/> that is out of range.</summary>
    public void Validate(string path)
    {
        if (Bitrate != 0) SettingsRules.Range(path, "bitrate", Bitrate, 6000, 510000);
        SettingsRules.Range(path, "complexity", Complexity, 0, 10);
        SettingsRules.Range(path, "expectedLossPercent", ExpectedLossPercent, 0, 100);
    }
}
