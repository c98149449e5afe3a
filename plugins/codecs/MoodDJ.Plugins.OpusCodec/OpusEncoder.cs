using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Plugins.OpusCodec;

/// <summary>One libopus encoder; encodes a frame straight from the caller's span (no copy, no allocation).</summary>
public sealed unsafe class OpusEncoder : IAudioEncoder
{
    private readonly OpusEncoderHandle _handle;
    private readonly int _channels;
    private readonly int _frameSamplesPerChannel;

    internal OpusEncoder(AudioFormat format, int frameSamplesPerChannel, OpusSettings settings)
    {
        _channels = format.Channels;
        _frameSamplesPerChannel = frameSamplesPerChannel;
        _handle = OpusNative.opus_encoder_create(format.SampleRate, format.Channels, OpusNative.ApplicationAudio, out var error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException($"libopus could not create an encoder for {format}: {OpusNative.ErrorText(error)}.");
        }
        Ctl(OpusNative.SetBitrateRequest, settings.BitrateFor(format.Channels), "bitrate");
        Ctl(OpusNative.SetComplexityRequest, settings.Complexity, "complexity");
        Ctl(OpusNative.SetInbandFecRequest, settings.InbandFec ? 1 : 0, "in-band FEC");
        Ctl(OpusNative.SetPacketLossPercRequest, settings.ExpectedLossPercent, "the expected packet loss");
        Ctl(OpusNative.SetDtxRequest, settings.Dtx ? 1 : 0, "DTX");
        int lookahead;
        Check(OpusNative.opus_encoder_ctl_get(_handle, OpusNative.GetLookaheadRequest, &lookahead), "reading the lookahead");
        Lookahead = lookahead;
    }

    public int MaxPacketBytes => OpusCodec.MaxPayloadBytes;

    /// <summary>Samples per channel the decoded audio lags the input (the encoder's lookahead).</summary>
    public int Lookahead { get; }

    public int Encode(ReadOnlySpan<float> frame, Span<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (frame.Length != _frameSamplesPerChannel * _channels)
            throw new ArgumentException($"An Opus frame here is {_frameSamplesPerChannel * _channels} samples, not {frame.Length}.", nameof(frame));
        int written;
        fixed (float* pcm = frame)
        fixed (byte* data = packet)
            written = OpusNative.opus_encode_float(_handle, pcm, _frameSamplesPerChannel, data, Math.Min(packet.Length, MaxPacketBytes));
        if (written < 0)
            throw new InvalidOperationException($"libopus could not encode a frame: {OpusNative.ErrorText(written)}.");
        return written;
    }

    public void Dispose() => _handle.Dispose();

    private void Ctl(int request, int value, string what)
        => Check(OpusNative.opus_encoder_ctl_set(_handle, request, value), $"setting {what} to {value}");

    private void Check(int result, string what)
    {
        if (result == OpusNative.Ok) return;
        _handle.Dispose();
        throw new ArgumentException($"libopus refused {what}: {OpusNative.ErrorText(result)}.");
    }
}
