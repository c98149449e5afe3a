using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// Downloads one torrent from many peers at once (BEP 3): rarest first, endgame at the end, every piece checked
/// against its hash before it is written. A peer that sends a bad piece is banned; one that breaks the protocol,
/// or sits on a request, is dropped and tried again later. The download resumes from whatever the
/// <see cref="PieceStore"/> already holds.
/// </summary>
public sealed class SwarmDownload
{
    private readonly PieceStore _store;
    private readonly SwarmOptions _options;
    private readonly ILogger _log;
    private readonly PiecePicker _picker;
    private readonly byte[] _peerId = PeerIds.New();
    private readonly ConcurrentDictionary<IPEndPoint, Task> _sessions = new();
    private readonly ConcurrentDictionary<IPEndPoint, DateTime> _retryAfter = new();
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SwarmDownload(PieceStore store, SwarmOptions? options = null, ILogger? log = null)
    {
        _store = store;
        _options = options ?? new SwarmOptions();
        _log = log ?? NullLogger.Instance;
        _picker = new PiecePicker(store.Torrent.PieceCount, store);
        if (store.IsComplete) _complete.TrySetResult();
    }

    public SwarmStats Stats { get; } = new();
    public TorrentMetainfo Torrent => _store.Torrent;
    public bool EnteredEndgame => _picker.InEndgame;

    /// <summary>Runs until every piece is held. <paramref name="findPeers"/> is asked again every second while peers are short.</summary>
    public async Task RunAsync(Func<CancellationToken, ValueTask<IReadOnlyList<IPEndPoint>>> findPeers, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (!_complete.Task.IsCompleted)
            {
                IReadOnlyList<IPEndPoint> peers = [];
                try { peers = await findPeers(stop.Token); }
                catch (Exception e) when (e is not OperationCanceledException) { _log.LogWarning("finding peers failed: {Error}", e.Message); }
                foreach (IPEndPoint peer in peers)
                {
                    if (_sessions.Count >= _options.MaxPeers) break;
                    if (Stats.Banned.ContainsKey(peer) || _sessions.ContainsKey(peer)) continue;
                    if (_retryAfter.TryGetValue(peer, out DateTime after) && DateTime.UtcNow < after) continue;
                    _sessions[peer] = RunPeerAsync(peer, stop.Token);
                }
                await Task.WhenAny(_complete.Task, Task.Delay(TimeSpan.FromSeconds(1), stop.Token));
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(_sessions.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunPeerAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var state = new PeerState(Torrent.PieceCount, Torrent.PieceLength);
        try
        {
            await using var connection = await PeerConnection.ConnectAsync(endPoint, Torrent.InfoHash, _peerId, _options, cancellationToken);
            await connection.SendAsync(PeerMessageId.Interested, cancellationToken);
            await ExchangeAsync(connection, state, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (BadPieceException e)
        {
            Stats.BadPiece();
            Stats.Banned[endPoint] = e.Message;
            _log.LogWarning("banned {Peer}: {Reason}", endPoint, e.Message);
        }
        catch (Exception e) when (e is PeerProtocolException or IOException or SocketException or OperationCanceledException or FormatException)
        {
            if (e is PeerProtocolException or FormatException) Stats.Violation();
            if (e is OperationCanceledException) Stats.Timeout();
            _log.LogInformation("dropped {Peer}: {Reason}", endPoint, e is OperationCanceledException ? "a request timed out" : e.Message);
            _retryAfter[endPoint] = DateTime.UtcNow + _options.RetryDelay;
        }
        finally
        {
            if (state.Piece >= 0) _picker.Release(state.Piece);
            _picker.PeerGone(state.Has);
            _sessions.TryRemove(endPoint, out _);
        }
    }

    private async Task ExchangeAsync(PeerConnection connection, PeerState state, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (!_complete.Task.IsCompleted)
        {
            timeout.CancelAfter(state.Outstanding > 0 ? _options.RequestTimeout : TimeSpan.FromMinutes(2));
            PeerWireMessage message = await connection.ReadAsync(timeout.Token);
            switch (message.Id)
            {
                case PeerMessageId.Bitfield: ReadBitfield(message.Payload.Span, state); break;
                case PeerMessageId.Have:
                    int have = ReadIndex(message.Payload.Span, 4, "have");
                    if (!state.Has[have]) { state.Has[have] = true; _picker.PeerHas(have); }
                    break;
                case PeerMessageId.Choke:
                    state.Choked = true;
                    AbandonPiece(state);
                    break;
                case PeerMessageId.Unchoke: state.Choked = false; break;
                case PeerMessageId.Piece: await ReceiveBlockAsync(connection, message.Payload, state, cancellationToken); break;
            }
            if (!state.Choked) await RequestMoreAsync(connection, state, cancellationToken);
        }
    }

    private void ReadBitfield(ReadOnlySpan<byte> bits, PeerState state)
    {
        int count = Torrent.PieceCount;
        if (bits.Length != (count + 7) / 8) throw new PeerProtocolException($"a bitfield of {bits.Length} bytes for {count} pieces");
        for (int i = count; i < bits.Length * 8; i++)
            if ((bits[i >> 3] & (0x80 >> (i & 7))) != 0) throw new PeerProtocolException("a bitfield with spare bits set");
        for (int i = 0; i < count; i++)
            if ((bits[i >> 3] & (0x80 >> (i & 7))) != 0 && !state.Has[i]) { state.Has[i] = true; _picker.PeerHas(i); }
    }

    private int ReadIndex(ReadOnlySpan<byte> payload, int expectedLength, string what)
    {
        if (payload.Length != expectedLength) throw new PeerProtocolException($"a {what} message of {payload.Length} bytes");
        int index = BinaryPrimitives.ReadInt32BigEndian(payload);
        if ((uint)index >= (uint)Torrent.PieceCount) throw new PeerProtocolException($"a {what} for piece {index} of {Torrent.PieceCount}");
        return index;
    }

    private async ValueTask ReceiveBlockAsync(PeerConnection connection, ReadOnlyMemory<byte> payload, PeerState state, CancellationToken cancellationToken)
    {
        if (payload.Length < 8) throw new PeerProtocolException("a piece message shorter than its header");
        int piece = BinaryPrimitives.ReadInt32BigEndian(payload.Span);
        int begin = BinaryPrimitives.ReadInt32BigEndian(payload.Span[4..]);
        ReadOnlyMemory<byte> block = payload[8..];
        int blockIndex = begin / _options.BlockSize;
        if (piece != state.Piece || begin % _options.BlockSize != 0 || blockIndex >= state.BlockRequested.Length || !state.BlockRequested[blockIndex])
        {
            // Blocks cancelled after the endgame may still arrive; anything else was never asked for.
            if (piece != state.LastAbandoned) Stats.Violation();
            return;
        }
        if (block.Length != Math.Min(_options.BlockSize, Torrent.PieceSize(piece) - begin))
            throw new PeerProtocolException($"a block of {block.Length} bytes at {piece}:{begin}");
        block.CopyTo(state.Buffer.AsMemory(begin));
        state.BlockRequested[blockIndex] = false;
        state.BlockReceived[blockIndex] = true;
        state.Outstanding--;
        Stats.AddDownloaded(connection.RemoteEndPoint, block.Length);

        if (_picker.IsDone(piece))
        {
            await CancelOutstandingAsync(connection, state, cancellationToken);
            AbandonPiece(state);
            return;
        }
        if (state.BlockReceived.AsSpan(0, state.BlockCount).Contains(false)) return;
        if (!_store.TryWritePiece(piece, state.Buffer.AsSpan(0, Torrent.PieceSize(piece))))
            throw new BadPieceException($"piece {piece} failed its SHA-1 check");
        _picker.Complete(piece);
        AbandonPiece(state);
        if (_store.IsComplete) _complete.TrySetResult();
    }

    private async ValueTask RequestMoreAsync(PeerConnection connection, PeerState state, CancellationToken cancellationToken)
    {
        if (state.Piece < 0)
        {
            int piece = _picker.Pick(state.Has);
            if (piece < 0) return;
            state.Start(piece, Torrent.PieceSize(piece), _options.BlockSize);
        }
        while (state.Outstanding < _options.RequestsPerPeer && state.NextBlock < state.BlockCount)
        {
            int block = state.NextBlock++;
            int begin = block * _options.BlockSize;
            state.BlockRequested[block] = true;
            state.Outstanding++;
            await connection.SendBlockMessageAsync(PeerMessageId.Request, state.Piece, begin,
                Math.Min(_options.BlockSize, Torrent.PieceSize(state.Piece) - begin), cancellationToken);
        }
    }

    private async ValueTask CancelOutstandingAsync(PeerConnection connection, PeerState state, CancellationToken cancellationToken)
    {
        for (int block = 0; block < state.BlockCount; block++)
        {
            if (!state.BlockRequested[block]) continue;
            int begin = block * _options.BlockSize;
            await connection.SendBlockMessageAsync(PeerMessageId.Cancel, state.Piece, begin,
                Math.Min(_options.BlockSize, Torrent.PieceSize(state.Piece) - begin), cancellationToken);
        }
    }

    private void AbandonPiece(PeerState state)
    {
        if (state.Piece < 0) return;
        _picker.Release(state.Piece);
        state.LastAbandoned = state.Piece;
        state.Piece = -1;
        state.Outstanding = 0;
    }

    /// <summary>What we know of one remote peer, touched only by its own session task.</summary>
    private sealed class PeerState(int pieceCount, int pieceLength)
    {
        public readonly bool[] Has = new bool[pieceCount];
        public readonly byte[] Buffer = new byte[pieceLength];
        public bool[] BlockRequested = [];
        public bool[] BlockReceived = [];
        public bool Choked = true;
        public int Piece = -1, LastAbandoned = -1, BlockCount, NextBlock, Outstanding;

        public void Start(int piece, int size, int blockSize)
        {
            Piece = piece;
            BlockCount = (size + blockSize - 1) / blockSize;
            if (BlockRequested.Length < BlockCount) { BlockRequested = new bool[BlockCount]; BlockReceived = new bool[BlockCount]; }
            Array.Clear(BlockRequested);
            Array.Clear(BlockReceived);
            NextBlock = 0;
            Outstanding = 0;
        }
    }

    private sealed class BadPieceException(string message) : Exception(message);
}
