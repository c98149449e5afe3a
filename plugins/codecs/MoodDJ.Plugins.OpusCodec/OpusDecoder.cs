using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Plugins.OpusCodec;

/// <summary>
/// One libopus decoder. A lost frame is rebuilt from the next packet's in-band FEC when that packet is
/// here (<see cref="Recover"/>; libopus falls back to PLC when it carries none), else concealed by
/// libopus's own PLC (a null packet).
/// </summary>
public sealed unsafe class OpusDecoder : IAudioDecoder
{
    private readonly OpusDecoderHandle _handle;
    private readonly int _channels;
    private readonly int _frameSamplesPerChannel;

    internal OpusDecoder(AudioFormat format, int frameSamplesPerChannel)
    {
        _channels = format.Channels;
        _frameSamplesPerChannel = frameSamplesPerChannel;
        _handle = OpusNative.opus_decoder_create(format.SampleRate, format.Channels, out var error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException($"libopus could not create a decoder for {format}: {OpusNative.ErrorText(error)}.");
        }
    }

    public int Decode(ReadOnlySpan<byte> packet, Span<float> frame)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (packet.IsEmpty)
            throw new InvalidDataException("An empty Opus packet cannot be decoded; call Conceal for a lost frame.");
        int samples;
        fixed (byte* data = packet)
        fixed (float* pcm = frame)
            samples = OpusNative.opus_decode_float(_handle, data, packet.Length, pcm, frame.Length / _channels, 0);
        if (samples < 0)
            throw new InvalidDataException($"An Opus packet of {packet.Length} bytes could not be decoded: {OpusNative.ErrorText(samples)}.");
        return samples * _channels;
    }

    public int Conceal(Span<float> frame)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (frame.Length < _frameSamplesPerChannel * _channels)
            throw new ArgumentException($"The frame buffer needs {_frameSamplesPerChannel * _channels} samples, not {frame.Length}.", nameof(frame));
        int samples;
        fixed (float* pcm = frame)
            samples = OpusNative.opus_decode_float(_handle, null, 0, pcm, _frameSamplesPerChannel, 0);
        if (samples < 0)
            throw new InvalidOperationException($"libopus could not conceal a lost frame: {OpusNative.ErrorText(samples)}.");
        return samples * _channels;
    }

    public int Recover(ReadOnlySpan<byte> nextPacket, Span<float> frame)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (nextPacket.IsEmpty) return Conceal(frame);
        if (frame.Length < _frameSamplesPerChannel * _channels)
            throw new ArgumentException($"The frame buffer needs {_frameSamplesPerChannel * _channels} samples, not {frame.Length}.", nameof(frame));
        int samples;
        // decode_fec=1 with exactly one frame's duration: libopus returns the frame before nextPacket.
        fixed (byte* data = nextPacket)
        fixed (float* pcm = frame)
            samples = OpusNative.opus_decode_float(_handle, data, nextPacket.Length, pcm, _frameSamplesPerChannel, 1);
        return samples < 0 ? Conceal(frame) : samples * _channels;
    }

    public void Dispose() => _handle.Dispose();
}
