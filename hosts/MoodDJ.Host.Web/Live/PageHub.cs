using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Host.Web.Audio;
using MoodDJ.Host.Web.Peers;
using MoodDJ.Host.Web.Stations;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Web.Live;

/// <summary>
/// Every open page, and what they all see: the station's notifications turned into page messages
/// (docs/web.md, "Host to page"), plus a once-a-second panel with listeners, the station
/// connection, the speakers switch and P2P.
/// </summary>
public sealed class PageHub(IStationLink link, BrowserListeners listeners, ServerSpeakers speakers, IPeerPanel peers, PageDirectory directory, ILogger<PageHub> log)
{
    public const int MaxMessageBytes = 16 * 1024;
    private readonly ConcurrentDictionary<PageConnection, byte> _pages = new();
    private object? _reading;
    private NowPlayingEvent? _nowPlaying;
    private DateTimeOffset _nowPlayingAt;

    public int Pages => _pages.Count;

    /// <summary>Wires the station's events; then runs the panel ticker until <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var client = link.Client;
        client.NowPlayingChanged += NowPlaying;
        client.ListenerJoined += _ => PanelNow();
        client.ListenerLeft += _ => PanelNow();
        client.ErrorReceived += e => Broadcast(new { type = "error", message = $"Station: {e.Message}" });
        client.Connection.StateChanged += (_, _) => PanelNow();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                if (!_pages.IsEmpty) PanelNow();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Serves one page until it closes.</summary>
    public async Task ServeAsync(WebSocket socket, PageCommands commands, CancellationToken cancellationToken)
    {
        var page = new PageConnection(socket);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = page.SendLoopAsync(stop.Token);
        _pages[page] = 0;
        directory.Add(page);
        try
        {
            await WelcomeAsync(page, stop.Token);
            var buffer = new byte[MaxMessageBytes];
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                WebSocketReceiveResult read;
                do
                {
                    read = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), stop.Token);
                    length += read.Count;
                } while (!read.EndOfMessage && length < buffer.Length);
                if (read.MessageType == WebSocketMessageType.Close) break;
                if (!read.EndOfMessage)
                {
                    page.Send(new { type = "error", message = $"A page message must be under {MaxMessageBytes} bytes." });
                    while (!(await socket.ReceiveAsync(new ArraySegment<byte>(buffer), stop.Token)).EndOfMessage) { }
                    continue;
                }
                await commands.HandleAsync(page, buffer.AsMemory(0, length), stop.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _pages.TryRemove(page, out _);
            directory.Remove(page);
            page.Complete();
            stop.Cancel();
            await sending;
            // Its control session closes: the station leaves its room for it (others get the leave notice).
            if (page.Rooms is { } rooms) await rooms.DisposeAsync();
        }
    }

    private async Task WelcomeAsync(PageConnection page, CancellationToken ct)
    {
        var client = link.Client;
        var hello = client.LastHello;
        object? list = null;
        try
        {
            var status = await client.StatusAsync(ct);
            Remember(status.NowPlaying);
            list = await client.ListAsync(ct);
        }
        catch (Exception e) when (e is TimeoutException or IOException or Protocol.JsonRpcException)
        {
            log.LogDebug(e, "The welcome went without status.");
        }
        page.Send(new
        {
            type = "welcome",
            page = page.Id,
            where = link.Where,
            codec = hello?.Codec, sampleRate = hello?.SampleRate, channels = hello?.Channels, encrypted = hello?.Encrypted,
            nowPlaying = NowPlayingView(),
            list,
            reading = _reading,
        });
        page.Send(Panel());
    }

    /// <summary>The house station's music again, for a page that left its room.</summary>
    public async Task SendHouseAsync(PageConnection page, CancellationToken ct)
    {
        page.Send(new { type = "nowPlaying", nowPlaying = NowPlayingView() });
        page.Send(new { type = "reading", reading = _reading });
        try
        {
            page.Send(new { type = "list", list = await link.Client.ListAsync(ct) });
        }
        catch (Exception e) when (e is TimeoutException or IOException or Protocol.JsonRpcException or InvalidOperationException)
        {
            log.LogDebug(e, "The queue could not be listed.");
        }
    }

    public void NowPlaying(NowPlayingEvent now)
    {
        Remember(now);
        Broadcast(new { type = "nowPlaying", nowPlaying = NowPlayingView() });
        _ = RefreshListAsync();
    }

    public void Reading(string text, PromptResult reply)
    {
        _reading = new { text, mood = reply.Mood, track = reply.Track };
        Broadcast(new { type = "reading", reading = _reading });
    }

    public void PanelNow() => Broadcast(Panel());

    private void Remember(NowPlayingEvent now)
    {
        _nowPlaying = now;
        _nowPlayingAt = DateTimeOffset.UtcNow;
    }

    // The position as of now, so a page opened mid-track shows the right progress.
    private object? NowPlayingView() => _nowPlaying is not { } now ? null : new
    {
        track = now.Track, mood = now.Mood, paused = now.Paused,
        positionSeconds = now.PositionSeconds is { } p && !now.Paused ? p + (DateTimeOffset.UtcNow - _nowPlayingAt).TotalSeconds : now.PositionSeconds,
    };

    private async Task RefreshListAsync()
    {
        try
        {
            Broadcast(new { type = "list", list = await link.Client.ListAsync() });
        }
        catch (Exception e) when (e is TimeoutException or IOException or Protocol.JsonRpcException or InvalidOperationException)
        {
            log.LogDebug(e, "The queue could not be listed.");
        }
    }

    private object Panel()
    {
        var state = link.Client.State;
        return new
        {
            type = "panel",
            station = new { state = state.ToString(), where = link.Where, error = state == StationClientState.Connected ? null : link.Client.Connection.LastError },
            listeners = link.Listeners(listeners.Stats()),
            speakers = new { on = speakers.On, output = speakers.Output, error = speakers.LastError },
            peers = peers.State,
        };
    }

    private void Broadcast(object message)
    {
        if (_pages.IsEmpty) return;
        var bytes = PageJson.Encode(message);
        foreach (var page in _pages.Keys) page.Send(bytes);
    }
}
