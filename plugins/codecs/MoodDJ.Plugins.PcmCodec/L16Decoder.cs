using System.Buffers.Binary;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Plugins.PcmCodec;

/// <summary>Big-endian 16-bit to float. Conceals a lost frame by fading the last sample to silence (no click).</summary>
internal sealed class L16Decoder(AudioFormat format, int frameSamplesPerChannel) : IAudioDecoder
{
    private readonly int _channels = format.Channels;
    private readonly int _frameSamples = frameSamplesPerChannel * format.Channels;
    private readonly float[] _last = new float[format.Channels];

    public int Decode(ReadOnlySpan<byte> packet, Span<float> frame)
    {
        var bytesPerFrame = 2 * _channels;
        if (packet.Length == 0 || packet.Length % bytesPerFrame != 0 || packet.Length / 2 > _frameSamples)
            throw new InvalidDataException(
                $"An L16 packet here holds whole frames of {bytesPerFrame} bytes, at most {_frameSamples * 2} bytes; got {packet.Length}.");
        var samples = packet.Length / 2;
        if (frame.Length < samples)
            throw new ArgumentException($"The frame buffer needs {samples} samples, not {frame.Length}.", nameof(frame));
        for (var i = 0; i < samples; i++)
            frame[i] = BinaryPrimitives.ReadInt16BigEndian(packet.Slice(2 * i, 2)) / 32768f;
        frame.Slice(samples - _channels, _channels).CopyTo(_last);
        return samples;
    }

    public int Conceal(Span<float> frame)
    {
        if (frame.Length < _frameSamples)
            throw new ArgumentException($"The frame buffer needs {_frameSamples} samples, not {frame.Length}.", nameof(frame));
        var frames = _frameSamples / _channels;
        for (var f = 0; f < frames; f++)
        {
            var gain = 1f - (f + 1) / (float)frames;
            for (var c = 0; c < _channels; c++) frame[f * _channels + c] = _last[c] * gain;
        }
        Array.Clear(_last);
        return _frameSamples;
    }

    public void Dispose()
    {
    }
}
