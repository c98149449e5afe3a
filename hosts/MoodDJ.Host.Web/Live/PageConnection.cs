using System.Net.WebSockets;
using System.Threading.Channels;

namespace MoodDJ.Host.Web.Live;

/// <summary>
/// One open page: a send queue drained by one loop (a WebSocket allows one send at a time), which
/// drops the oldest update when a slow page falls 64 messages behind rather than stalling the others.
/// </summary>
public sealed class PageConnection(WebSocket socket)
{
    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(64)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public WebSocket Socket => socket;

    /// <summary>Sent to the page in its welcome; its audio socket names it so the host finds the page's room.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The page's rooms and chat, made on its first room command (disposed when the page closes).</summary>
    public Rooms.PageRooms? Rooms { get; set; }

    public void Send(byte[] message) => _outbox.Writer.TryWrite(message);

    public void Send(object message) => Send(PageJson.Encode(message));

    public async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken))
                await socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    public void Complete() => _outbox.Writer.TryComplete();
}
