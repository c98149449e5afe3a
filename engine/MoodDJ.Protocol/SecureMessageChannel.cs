using System.Buffers;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Protocol;

/// <summary>
/// Whole messages over a frame connection after a crypto handshake: each message is split into
/// parts (<see cref="SplitHeader"/> + chunk), each part sealed into one frame; received frames are
/// opened and reassembled under <see cref="MessageLimits"/>. One receiver and any number of
/// senders may use it at once; parts of one message are sent together.
/// </summary>
public sealed class SecureMessageChannel : IAsyncDisposable
{
    private readonly IFrameConnection _connection;
    private readonly ControlLimits _frameLimits;
    private readonly MessageLimits _messageLimits;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly FrameBuffer _frame;
    private readonly MessageReassembler _reassembler;
    private readonly int _chunkBytes;
    private uint _nextMessageId;
    private int _receiving;
    private int _disposed;

    private SecureMessageChannel(IFrameConnection connection, ISecureChannel secure, ControlLimits frameLimits, MessageLimits messageLimits)
    {
        _connection = connection;
        Secure = secure;
        _frameLimits = frameLimits;
        _messageLimits = messageLimits;
        _chunkBytes = frameLimits.MaxFrameBytes - secure.Overhead - SplitHeader.Size;
        // A message must fit in 65,536 parts (the part index is 16 bits).
        var minChunk = (messageLimits.MaxMessageBytes + ushort.MaxValue) / (ushort.MaxValue + 1);
        if (_chunkBytes < Math.Max(1, minChunk))
            throw new ArgumentException(
                $"MaxFrameBytes {frameLimits.MaxFrameBytes} is too small: after the crypto overhead ({secure.Overhead}) and the split header ({SplitHeader.Size}) it cannot carry a {messageLimits.MaxMessageBytes}-byte message in 65,536 parts.");
        _frame = new FrameBuffer(frameLimits.MaxFrameBytes);
        _reassembler = new MessageReassembler(messageLimits);
    }

    public IFrameConnection Connection => _connection;

    /// <summary>The keys of this connection (e.g. for deriving SRTP keys).</summary>
    public ISecureChannel Secure { get; }

    public MessageLimits MessageLimits => _messageLimits;

    /// <summary>
    /// Runs <paramref name="crypto"/>'s handshake over <paramref name="connection"/> within
    /// <paramref name="handshakeTimeout"/>. Throws <see cref="CryptoHandshakeException"/> (failed or timed out),
    /// <see cref="CryptoMismatchException"/> (the peer uses another crypto plugin: on a client, also when
    /// the server refused it for that), <see cref="ControlRefusedException"/> (a client refused by the
    /// server), or an I/O error.
    /// </summary>
    public static async Task<SecureMessageChannel> EstablishAsync(
        IFrameConnection connection, ICryptoProvider crypto, HandshakeRole role,
        ControlLimits frameLimits, MessageLimits messageLimits, TimeSpan handshakeTimeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(crypto);
        messageLimits.Validate();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(handshakeTimeout);
        // A provider that ignores its token still cannot hold the connection past the timeout.
        using var abortOnTimeout = timeout.Token.Register(() =>
        {
            if (!cancellationToken.IsCancellationRequested)
                connection.Abort($"handshake not finished within {handshakeTimeout.TotalSeconds:0.###} s");
        });
        var transport = new FrameHandshakeTransport(connection, frameLimits.MaxFrameBytes, detectRefusal: role == HandshakeRole.Client);
        ISecureChannel secure;
        try
        {
            secure = await crypto.HandshakeAsync(transport, role, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (FindRefusal(e) is { } refused)
        {
            if (RefusalFrame.StationCrypto(refused.Code, refused.ErrorData) is { } station)
                throw CryptoMismatchException.AtClient(station, crypto.Name, connection.RemoteEndPoint, refused);
            throw refused;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && transport.FirstReceived is { } first
            && CryptoSchemes.IsMismatch(crypto.Name, first, out var peer))
        {
            // The peer's first message is another scheme's: that, not the provider's parse error, is the cause.
            throw role == HandshakeRole.Client
                ? CryptoMismatchException.AtClient(peer, crypto.Name, connection.RemoteEndPoint, e)
                : CryptoMismatchException.AtServer(peer, crypto.Name, connection.RemoteEndPoint, e);
        }
        catch (Exception e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeTimeoutException($"The handshake with {connection.RemoteEndPoint} did not finish within {handshakeTimeout.TotalSeconds:0.###} s.", e);
        }
        try
        {
            return new SecureMessageChannel(connection, secure, frameLimits, messageLimits);
        }
        catch
        {
            secure.Dispose();
            throw;
        }
    }

    /// <summary>Splits, seals and sends one message.</summary>
    public async ValueTask SendMessageAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (message.Length > _messageLimits.MaxMessageBytes)
            throw new ArgumentException($"A message of {message.Length} bytes exceeds the limit of {_messageLimits.MaxMessageBytes} bytes.", nameof(message));
        var plain = ArrayPool<byte>.Shared.Rent(SplitHeader.Size + _chunkBytes);
        var sealedFrame = ArrayPool<byte>.Shared.Rent(_frameLimits.MaxFrameBytes);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var id = ++_nextMessageId;
            var offset = 0;
            ushort part = 0;
            do
            {
                var length = Math.Min(_chunkBytes, message.Length - offset);
                var last = offset + length == message.Length;
                new SplitHeader(id, (uint)message.Length, part, last).Write(plain);
                message.Span.Slice(offset, length).CopyTo(plain.AsSpan(SplitHeader.Size));
                var sealedLength = Secure.Seal(plain.AsSpan(0, SplitHeader.Size + length), sealedFrame);
                await _connection.SendFrameAsync(sealedFrame.AsMemory(0, sealedLength), cancellationToken).ConfigureAwait(false);
                offset += length;
                part++;
            }
            while (offset < message.Length);
        }
        finally
        {
            _sendLock.Release();
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(sealedFrame);
        }
    }

    /// <summary>
    /// Receives the next whole message (dispose it when done), or null when the peer closed cleanly.
    /// Throws <see cref="ControlProtocolException"/> for a frame that does not open or a split
    /// violation, <see cref="FrameProtocolException"/> for a framing violation.
    /// </summary>
    public async ValueTask<PooledMessage?> ReceiveMessageAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _receiving, 1) == 1)
            throw new InvalidOperationException("Only one receive may run at a time.");
        try
        {
            while (true)
            {
                ObjectDisposedException.ThrowIf(_disposed == 1, this);
                _frame.Reset();
                if (!await _connection.ReceiveFrameAsync(_frame, cancellationToken).ConfigureAwait(false))
                {
                    if (_reassembler.PartialCount > 0)
                        throw new ControlProtocolException(ControlDropReason.MessageProtocol, $"The peer closed the connection with {_reassembler.PartialCount} message(s) unfinished.");
                    return null;
                }
                // Opened plaintext is never longer than the sealed frame.
                var plain = ArrayPool<byte>.Shared.Rent(Math.Max(1, _frame.WrittenCount));
                try
                {
                    if (!Secure.TryOpen(_frame.WrittenSpan, plain, out var written, out var error))
                    {
                        if (RefusalFrame.TryRead(_frame.WrittenSpan, out var code, out var refusal))
                            throw new ControlRefusedException(code, $"The station refused the connection: {refusal}");
                        throw new ControlProtocolException(ControlDropReason.Authentication, $"A control frame from {_connection.RemoteEndPoint} did not open: {error}.");
                    }
                    if (_reassembler.TryAdd(plain.AsSpan(0, written), out var message))
                        return message;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(plain);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return ValueTask.CompletedTask;
        Secure.Dispose();
        // Buffers go back to the pool only when no receive can still be writing into them.
        if (Volatile.Read(ref _receiving) == 0)
        {
            _frame.Dispose();
            _reassembler.Dispose();
        }
        return _connection.DisposeAsync();
    }

    private static ControlRefusedException? FindRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is ControlRefusedException refused) return refused;
        return null;
    }
}
