using System.Diagnostics;
using System.Threading.Channels;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Crypto.Tests;

/// <summary>Two connected in-memory handshake transports (messages copied on send), for handshake tests.</summary>
internal sealed class MemoryHandshakeTransport(ChannelReader<byte[]> inbox, ChannelWriter<byte[]> outbox) : IHandshakeTransport
{
    public List<byte[]> Sent { get; } = [];

    /// <summary>Rewrites each outgoing message (index, bytes) before delivery; for tamper tests.</summary>
    public Func<int, byte[], byte[]>? Rewrite { get; set; }

    public static (MemoryHandshakeTransport Client, MemoryHandshakeTransport Server) CreatePair()
    {
        var toServer = Channel.CreateUnbounded<byte[]>();
        var toClient = Channel.CreateUnbounded<byte[]>();
        return (new MemoryHandshakeTransport(toClient.Reader, toServer.Writer), new MemoryHandshakeTransport(toServer.Reader, toClient.Writer));
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var copy = message.ToArray();
        if (Rewrite is { } rewrite) copy = rewrite(Sent.Count, copy);
        Sent.Add(copy);
        return outbox.WriteAsync(copy, cancellationToken);
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await inbox.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new EndOfStreamException("the peer closed the connection");
        }
    }

    public void Close() => outbox.TryComplete();
}

/// <summary>A handshake transport fed with fixed bytes (garbage) that records what the provider sent.</summary>
internal sealed class ScriptedHandshakeTransport(params byte[][] replies) : IHandshakeTransport
{
    private int _next;

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (_next < replies.Length) return replies[_next++];
        await Task.Delay(Timeout.Infinite, cancellationToken); // a silent peer
        throw new UnreachableException();
    }
}
