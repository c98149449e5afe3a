using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Client.Voice;

/// <summary>
/// Push to talk: reads float PCM at the station's format (a <see cref="VoiceInput"/> or any stream
/// that arrives in real time), encodes it frame by frame in the station's codec and sends each frame
/// with the control channel's <c>talk</c> method, so it travels sealed like every other call.
/// </summary>
public sealed class VoiceTalker(StationControlClient client, IAudioCodec codec, AudioFormat format, int frameMilliseconds)
{
    /// <summary>Stopwatch timestamp of the first frame sent that was not silence (to measure mouth-to-ear delay), or -1.</summary>
    public long FirstVoiceSent { get; private set; } = -1;

    public int FramesSent { get; private set; }

    /// <summary>Frames one talk call carries at most (the station's limit).</summary>
    public const int MaxFramesPerCall = 10;

    /// <summary>Sends until the input ends or <paramref name="cancellationToken"/> fires, then tells the station the talker let go.</summary>
    public async Task TalkAsync(Stream pcm, CancellationToken cancellationToken)
    {
        // Capture and sending run apart: while one talk call is on its way, the frames captured meanwhile
        // wait and go together in the next (at most MaxFramesPerCall), so a slow round trip never makes
        // the voice fall behind real time.
        var frames = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(50) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest });
        // A refusal from the station (too many talkers, talking off) ends the capture too, and is thrown here.
        using var captureStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = Task.Run(async () =>
        {
            try { await SendAsync(frames.Reader, cancellationToken).ConfigureAwait(false); }
            finally { captureStop.Cancel(); }
        }, CancellationToken.None);
        try { await CaptureAsync(pcm, frames.Writer, captureStop.Token).ConfigureAwait(false); }
        finally { frames.Writer.TryComplete(); }
        await sending.ConfigureAwait(false);
    }

    private async Task CaptureAsync(Stream pcm, ChannelWriter<byte[]> frames, CancellationToken cancellationToken)
    {
        var samplesPerChannel = format.SampleRate * frameMilliseconds / 1000;
        using var encoder = codec.CreateEncoder(format, samplesPerChannel);
        var frame = new float[samplesPerChannel * format.Channels];
        var raw = new byte[frame.Length * sizeof(float)];
        var packet = new byte[encoder.MaxPacketBytes];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var filled = 0;
                while (filled < raw.Length)
                {
                    var n = await pcm.ReadAsync(raw.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                    if (n == 0) break;
                    filled += n;
                }
                if (filled < raw.Length) return;   // the input ended (a part frame is dropped)
                raw.AsSpan().CopyTo(MemoryMarshal.AsBytes(frame.AsSpan()));
                var length = encoder.Encode(frame, packet);
                if (FirstVoiceSent < 0 && Array.Exists(frame, s => Math.Abs(s) > 1e-3f)) FirstVoiceSent = Stopwatch.GetTimestamp();
                await frames.WriteAsync(packet.AsSpan(0, length).ToArray(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    private async Task SendAsync(ChannelReader<byte[]> frames, CancellationToken cancellationToken)
    {
        var batch = new List<ReadOnlyMemory<byte>>(MaxFramesPerCall);
        try
        {
            while (await frames.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxFramesPerCall && frames.TryRead(out var frame)) batch.Add(frame);
                await client.TalkAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
                FramesSent += batch.Count;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        finally
        {
            using var letGo = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await client.TalkAsync([], end: true, letGo.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException) { }
        }
    }
}
