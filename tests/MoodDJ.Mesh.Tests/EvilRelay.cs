using System.Net;
using System.Net.Sockets;
using MoodDJ.Client;
using MoodDJ.Media.Srtp;
using MoodDJ.Peers.Mesh;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// A malicious listener turned relay: it holds the shared stream key (any listener does), so it
/// re-encrypts the station's packets with its own audio (the <see cref="CountingOutput.Marker"/>
/// sample) into valid SRTP, keeps the station's now-wrong signature, and sends each forgery ahead
/// of the genuine packet, which it also replays twice.
/// </summary>
internal sealed class EvilRelay : IAsyncDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IPEndPoint> _children = [];
    private StationControlClient? _control;
    private Task? _running;

    public long PeerId { get; private set; }

    public long Forgeries;

    public async Task StartAsync(MeshHarness harness)
    {
        _control = await harness.ConnectAsync("evil");
        var port = ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
        var subscription = await _control.SubscribeAsync(new SubscribeParams(port, Name: "evil", Relay: 4));
        var mesh = subscription.Mesh!;
        PeerId = mesh.PeerId;
        // Claim to be a healthy relay next to the station, so the station offers it as a parent.
        await _control.ReportAsync(new ReportParams(subscription.Token, 0, 0, 0, 0, 0, new MeshReportDto([0], 0, 4, 1, 1, 0, 0, 0)));
        var keys = SrtpKeys.FromInlineBase64(mesh.StreamKey.KeyParams);
        _running = RunAsync(SrtpContext.Create(keys), SrtpContext.Create(keys), subscription.Token, _stop.Token);
    }

    private async Task RunAsync(SrtpContext decrypt, SrtpContext encrypt, string token, CancellationToken ct)
    {
        using (decrypt)
        using (encrypt)
        {
            var forged = new byte[1500];
            var heartbeat = DateTime.UtcNow;
            while (!ct.IsCancellationRequested)
            {
                UdpReceiveResult got;
                try { got = await _socket.ReceiveAsync(ct); }
                catch (OperationCanceledException) { return; }
                catch (SocketException) { continue; }
                var data = got.Buffer;
                if (MeshWire.TryReadHeader(data, out var type, out var sender))
                {
                    if (type == MeshMessage.Attach)
                    {
                        lock (_children) if (!_children.Contains(got.RemoteEndPoint)) _children.Add(got.RemoteEndPoint);
                        var accept = new byte[MeshWire.MaxLength];
                        var n = MeshWire.WritePath(accept, MeshMessage.Accept, PeerId, 1, [PeerId]);
                        await _socket.SendAsync(accept.AsMemory(0, n), got.RemoteEndPoint, ct);
                    }
                    continue;
                }
                if (!MeshPacket.IsMedia(data) || data.Length < 100) continue;
                var srtpLength = data.Length - MeshPacket.TrailerLength;
                data.AsSpan().CopyTo(forged);
                if (!decrypt.TryUnprotect(forged, srtpLength, out var rtpLength)) continue;
                for (var i = 12; i + 1 < rtpLength; i += 2)
                {
                    forged[i] = 0x30;
                    forged[i + 1] = 0x39;
                }
                var length = encrypt.Protect(forged, rtpLength);
                data.AsSpan(srtpLength).CopyTo(forged.AsSpan(length));   // the station's signature, now over other bytes
                length += MeshPacket.TrailerLength;
                IPEndPoint[] children;
                lock (_children) children = [.. _children];
                foreach (var child in children)
                {
                    await _socket.SendAsync(forged.AsMemory(0, length), child, ct);
                    Interlocked.Increment(ref Forgeries);
                    for (var copy = 0; copy < 3; copy++)   // the genuine packet, then two replays
                        await _socket.SendAsync(data, child, ct);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        // A send under way when the stop comes throws; only the receive caught it before.
        if (_running is not null) try { await _running; } catch (OperationCanceledException) { }
        _socket.Dispose();
        if (_control is not null) await _control.DisposeAsync();
    }
}
