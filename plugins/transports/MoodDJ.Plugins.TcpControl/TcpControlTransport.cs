using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Plugins.TcpControl;

/// <summary>
/// Control transport over TCP. Each frame on the wire is a 4-byte big-endian length followed by
/// that many bytes; a length above <see cref="ControlLimits.MaxFrameBytes"/> drops the connection
/// before anything is allocated for it.
/// </summary>
public sealed class TcpControlTransport(TcpControlOptions? options = null) : IControlTransport
{
    private readonly TcpControlOptions _options = options ?? new TcpControlOptions();

    public ValueTask<IControlListener> ListenAsync(IPEndPoint endPoint, ControlLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(limits);
        cancellationToken.ThrowIfCancellationRequested();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(_options.Backlog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(
                $"TCP {endPoint} is already in use: stop the program holding it or choose another port.", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return ValueTask.FromResult<IControlListener>(new TcpFrameListener(socket, limits, _options));
    }

    public async ValueTask<IFrameConnection> ConnectAsync(EndPoint endPoint, ControlLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(limits);
        var socket = endPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new TcpFrameConnection(socket, limits, _options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
