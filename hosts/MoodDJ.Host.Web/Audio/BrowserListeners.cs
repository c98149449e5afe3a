using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Host.Web.Live;
using MoodDJ.Host.Web.Peers;
using MoodDJ.Host.Web.Stations;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Web.Audio;

/// <summary>
/// Each browser that listens gets its own player on the host: a station listener (so the station
/// lists it and gets its loss and buffer reports) whose output is the browser's audio WebSocket.
/// While the P2P stream is on, a browser instead listens through the host's relaying mesh peer
/// (<see cref="P2PAudio"/>); a switch closes every audio socket so each reconnects on the new path.
/// </summary>
public sealed class BrowserListeners
{
    private readonly ConcurrentDictionary<string, StationPlayer> _players = new();
    private readonly ConcurrentDictionary<CancellationTokenSource, byte> _sockets = new();
    private readonly MoodDJEngine engine;
    private readonly IStationLink link;
    private readonly WebOptions options;
    private readonly ILoggerFactory loggerFactory;
    private readonly P2PAudio _p2p;
    private readonly PageDirectory _pages;
    private int _next;

    public BrowserListeners(MoodDJEngine engine, IStationLink link, WebOptions options, ILoggerFactory loggerFactory, P2PAudio p2p, PageDirectory pages)
    {
        _pages = pages;
        this.engine = engine;
        this.link = link;
        this.options = options;
        this.loggerFactory = loggerFactory;
        _p2p = p2p;
        p2p.Switched += () =>
        {
            foreach (var socket in _sockets.Keys) socket.Cancel();
        };
    }

    /// <summary>This host's players by listener name (the browsers and the server speakers).</summary>
    public IReadOnlyDictionary<string, PlayerStats> Stats() => _players.ToDictionary(p => p.Key, p => p.Value.Stats);

    /// <summary>Streams to <paramref name="socket"/> until the browser closes it or the host stops.</summary>
    /// <param name="pageId">The page's id from its welcome: a page in a room hears the room's station, through its own room session.</param>
    public async Task RunAsync(WebSocket socket, string? requestedName, string? pageId, CancellationToken cancellationToken)
    {
        var name = $"web {Interlocked.Increment(ref _next)}" + (Clean(requestedName) is { } n ? $" ({n})" : "");
        // The page's session is routed to its room's station, so a player subscribed through it plays the room.
        var room = _pages.Find(pageId)?.Rooms is { Room: { } inRoom, Client: { } roomClient } ? (Name: inRoom, Client: roomClient) : default;
        var viaP2P = _p2p.Active && room.Client is null;
        var output = new BrowserAudioOutput(socket);
        output.Opened += format => socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "format", name, sampleRate = format.SampleRate, channels = format.Channels, via = viaP2P ? "p2p" : "station", room = room.Name,
        }, PageJson.Options), WebSocketMessageType.Text, true, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _sockets[stop] = 0;
        try
        {
            if (viaP2P) await ListenThroughPeerAsync(socket, output, stop.Token);
            else await ListenAsync(socket, output, name, stop, room.Client);
        }
        finally
        {
            _sockets.TryRemove(stop, out _);
        }
    }

    private async Task ListenThroughPeerAsync(WebSocket socket, BrowserAudioOutput output, CancellationToken cancellationToken)
    {
        output.SincePump = _p2p.SincePump;
        try
        {
            await _p2p.AttachAsync(output, cancellationToken);
            var scratch = new byte[256];
            while (socket.State == WebSocketState.Open)
            {
                var read = await socket.ReceiveAsync(scratch, cancellationToken);
                if (read.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _p2p.Detach(output);
        }
    }

    private async Task ListenAsync(WebSocket socket, BrowserAudioOutput output, string name, CancellationTokenSource stop, StationControlClient? client)
    {
        var player = Create(output, name, out var detach, client);
        output.SincePump = () => player.Pipeline?.Stats.Buffered ?? TimeSpan.Zero;
        _players[name] = player;
        var playing = player.RunAsync(stop.Token);
        try
        {
            // The browser sends nothing on this socket; a close (or a lost connection) ends the listener.
            var scratch = new byte[256];
            while (socket.State == WebSocketState.Open && !playing.IsCompleted)
            {
                var read = await socket.ReceiveAsync(scratch, stop.Token);
                if (read.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            detach();
            _players.TryRemove(name, out _);
            stop.Cancel();
            try { await playing; }
            // ObjectDisposed: the page's room session closed under a room player (the page reconnects its audio).
            catch (Exception e) when (e is OperationCanceledException or AudioOutputFailedException or IOException or WebSocketException or ObjectDisposedException) { }
        }
    }

    /// <summary>
    /// A player named <paramref name="name"/> subscribed through <paramref name="client"/> (default: the station link's client);
    /// <paramref name="detach"/> unhooks it from the client's volume notifications when it is done.
    /// </summary>
    public StationPlayer Create(MoodDJ.Abstractions.Audio.IAudioOutput output, string name, out Action detach, StationControlClient? client = null)
    {
        client ??= link.Client;
        var player = new StationPlayer(engine.StreamTransport, engine.Codec, output, link.StreamHost,
            (port, token) => client.SubscribeAsync(new SubscribeParams(port, Name: name), token),
            new StationPlayerOptions
            {
                JitterDepth = TimeSpan.FromMilliseconds(options.JitterMs),
                // The browser buffers too: the host's buffer never holds more than the depth plus 60 ms.
                TrimAbove = TimeSpan.FromMilliseconds(options.JitterMs + 60),
                ReportInterval = TimeSpan.FromSeconds(2),
            },
            loggerFactory.CreateLogger<StationPlayer>())
        {
            Unsubscribe = (token, ct) => client.UnsubscribeAsync(token, ct),
            Report = (report, ct) => client.ReportAsync(report, ct),
            CodecFor = engine.CodecFor,
        };
        Action<VolumeEvent> apply = e => player.Apply(e);
        client.VolumeChanged += apply;
        detach = () => client.VolumeChanged -= apply;
        return player;
    }

    public void Track(string name, StationPlayer player) => _players[name] = player;

    public void Forget(string name) => _players.TryRemove(name, out _);

    private static string? Clean(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var cleaned = new string(name.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.').Take(24).ToArray()).Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }
}
