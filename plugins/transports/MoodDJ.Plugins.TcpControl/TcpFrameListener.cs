using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Plugins.TcpControl;

/// <summary>Accepts TCP connections; returns null from <see cref="AcceptAsync"/> once disposed.</summary>
internal sealed class TcpFrameListener(Socket socket, ControlLimits limits, TcpControlOptions options) : IControlListener
{
    private volatile bool _disposed;

    public EndPoint LocalEndPoint { get; } = socket.LocalEndPoint!;

    public async ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_disposed) return null;
            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException) when (_disposed)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The peer gave up while still queued: nothing to serve, take the next one.
                continue;
            }
            accepted.NoDelay = true;
            return new TcpFrameConnection(accepted, limits, options);
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
