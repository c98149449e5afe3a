using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Plugins.TcpControl;

namespace MoodDJ.Station.Tests.Control;

public sealed class TcpControlTransportTests
{
    private static readonly ControlLimits Limits = new() { MaxFrameBytes = 1024 };
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TcpControlTransport _tcp = new();

    [Fact]
    public async Task Frames_arrive_whole_and_in_order_including_empty_ones()
    {
        await using var listener = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        await using var client = await _tcp.ConnectAsync(listener.LocalEndPoint, Limits);
        await using var server = (await listener.AcceptAsync())!;

        var frames = new[] { new byte[] { 1, 2, 3 }, Array.Empty<byte>(), Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray() };
        foreach (var frame in frames) await client.SendFrameAsync(frame);
        foreach (var expected in frames)
        {
            var buffer = new ArrayBufferWriter<byte>();
            Assert.True(await server.ReceiveFrameAsync(buffer));
            Assert.Equal(expected, buffer.WrittenSpan.ToArray());
        }
        await client.DisposeAsync();
        Assert.False(await server.ReceiveFrameAsync(new ArrayBufferWriter<byte>()));
        Assert.True(server.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task A_length_over_the_limit_is_rejected_before_reading_the_body_and_drops_the_connection()
    {
        await using var listener = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(listener.LocalEndPoint);
        await using var server = (await listener.AcceptAsync())!;

        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0xFFFF_FFF0);
        await raw.SendAsync(header);
        var buffer = new ArrayBufferWriter<byte>();
        var error = await Assert.ThrowsAsync<FrameProtocolException>(() => server.ReceiveFrameAsync(buffer).AsTask());
        Assert.Contains("exceeds the limit of 1024", error.Message);
        Assert.Equal(0, buffer.WrittenCount);
        Assert.True(server.Closed.IsCancellationRequested);
        // The peer sees the close.
        var read = await ReadOrResetAsync(raw);
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task A_frame_cut_short_by_the_peer_is_reported_as_truncated()
    {
        await using var listener = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(listener.LocalEndPoint);
        await using var server = (await listener.AcceptAsync())!;

        await raw.SendAsync(new byte[] { 0, 0, 0, 100, 1, 2, 3 });
        raw.Shutdown(SocketShutdown.Send);
        var error = await Assert.ThrowsAsync<FrameProtocolException>(() => server.ReceiveFrameAsync(new ArrayBufferWriter<byte>()).AsTask());
        Assert.Contains("3 of 100 bytes", error.Message);
    }

    [Fact]
    public async Task A_header_cut_short_by_the_peer_is_reported_as_truncated()
    {
        await using var listener = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(listener.LocalEndPoint);
        await using var server = (await listener.AcceptAsync())!;

        await raw.SendAsync(new byte[] { 0, 0 });
        raw.Shutdown(SocketShutdown.Send);
        var error = await Assert.ThrowsAsync<FrameProtocolException>(() => server.ReceiveFrameAsync(new ArrayBufferWriter<byte>()).AsTask());
        Assert.Contains("frame header", error.Message);
    }

    [Fact]
    public async Task Accept_returns_null_once_the_listener_is_disposed()
    {
        var listener = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        var pending = listener.AcceptAsync().AsTask();
        await listener.DisposeAsync();
        Assert.Null(await pending.WaitAsync(Patience));
        Assert.Null(await listener.AcceptAsync());
    }

    [Fact]
    public async Task A_port_in_use_is_reported_as_AddressInUseException_naming_it()
    {
        await using var first = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        var taken = (IPEndPoint)first.LocalEndPoint;
        var error = await Assert.ThrowsAsync<AddressInUseException>(() => _tcp.ListenAsync(taken, Limits).AsTask());
        Assert.Contains(taken.Port.ToString(), error.Message);
    }

    [Fact]
    public async Task Abort_closes_the_connection_and_fails_a_pending_receive_with_the_reason()
    {
        await using var listener = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        await using var client = await _tcp.ConnectAsync(listener.LocalEndPoint, Limits);
        await using var server = (await listener.AcceptAsync())!;

        var pending = server.ReceiveFrameAsync(new ArrayBufferWriter<byte>()).AsTask();
        server.Abort("test says stop");
        var error = await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(Patience));
        Assert.Contains("test says stop", error.Message);
        Assert.True(server.Closed.IsCancellationRequested);
        // An abort is abrupt: the peer sees either an end of stream or a reset, never a frame.
        try
        {
            Assert.False(await client.ReceiveFrameAsync(new ArrayBufferWriter<byte>()).AsTask().WaitAsync(Patience));
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Sending_a_frame_over_the_limit_is_refused_locally()
    {
        await using var listener = await _tcp.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Limits);
        await using var client = await _tcp.ConnectAsync(listener.LocalEndPoint, Limits);
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendFrameAsync(new byte[1025]).AsTask());
    }

    private static async Task<int> ReadOrResetAsync(Socket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token);
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
