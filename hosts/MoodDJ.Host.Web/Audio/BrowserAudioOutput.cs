using System.Buffers.Binary;
using System.Net.WebSockets;
using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Host.Web.Audio;

/// <summary>
/// An audio output whose "device" is a browser: each frame the player writes becomes one binary
/// WebSocket message — two little-endian doubles (the frame's pump time and the host's send time,
/// both Unix ms) followed by the frame as interleaved 16-bit PCM. The buffer is reused: the player awaits each write, so
/// there is never more than one send in flight.
/// </summary>
public sealed class BrowserAudioOutput(WebSocket socket) : IAudioOutput, IAudioPlayback
{
    public const int HeaderBytes = 16;
    private byte[] _buffer = new byte[HeaderBytes + 2 * 4096];

    public AudioFormat Format { get; private set; } = AudioFormat.SeedMono;

    /// <summary>How long the audio being written has been on its way since the station's pump (the player's jitter-buffer depth).</summary>
    public Func<TimeSpan> SincePump { get; set; } = () => TimeSpan.Zero;

    /// <summary>Completes with the format when the player opens the output (the page gets it before the first frame).</summary>
    public event Func<AudioFormat, Task>? Opened;

    public async ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        Format = format;
        if (Opened is { } opened) await opened(format);
        return this;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        var bytes = HeaderBytes + samples.Length * 2;
        if (_buffer.Length < bytes) _buffer = new byte[bytes];
        var now = DateTimeOffset.UtcNow;
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer, (now - SincePump() - DateTimeOffset.UnixEpoch).TotalMilliseconds);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(8), (now - DateTimeOffset.UnixEpoch).TotalMilliseconds);
        var span = samples.Span;
        for (var i = 0; i < span.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(_buffer.AsSpan(HeaderBytes + 2 * i), (short)Math.Clamp(span[i] * 32767f, -32768f, 32767f));
        if (socket.State != WebSocketState.Open)
            throw new IOException("The browser closed its audio connection.");
        await socket.SendAsync(_buffer.AsMemory(0, bytes), WebSocketMessageType.Binary, true, cancellationToken);
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
