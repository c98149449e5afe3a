using System.Net;
using BenchmarkDotNet.Attributes;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media.Srtp;
using MoodDJ.Media;
using MoodDJ.Client;
using MoodDJ.Plugins.PcmCodec;
using MoodDJ.Plugins.UdpStream;

namespace MoodDJ.Bench;

/// <summary>
/// The station's per-packet path for one listener: a 10 ms L16 frame (441 samples, 44.1 kHz mono)
/// encoded by the pcm codec plugin and packetized, optionally SRTP-protected, and sent over the real udp transport to 127.0.0.1.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- --filter '*RtpPacketizer*' --job short --memory`
/// </summary>
[MemoryDiagnoser]
public class RtpPacketizerBenchmarks
{
    private readonly float[] _frame = new float[441];
    private readonly byte[] _packet = new byte[1500];
    private readonly byte[] _drain = new byte[2048];
    private RtpPacketizer _packetizer = null!;
    private SrtpContext _srtp = null!;
    private IDatagramSocket _sender = null!;
    private IDatagramSocket _receiver = null!;
    private SocketAddress _target = null!;
    private SocketAddress _from = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (var i = 0; i < _frame.Length; i++) _frame[i] = (float)(random.NextDouble() * 2 - 1) * 0.5f;
        _packetizer = RtpPacketizer.Create(new L16Codec(), AudioFormat.SeedMono, 441, ssrc: 1);
        _srtp = SrtpContext.Create(SrtpKeys.Generate());
        var transport = new UdpStreamTransport();
        _receiver = transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0), ReceiveBufferBytes = 8 << 20 });
        _sender = transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        _target = _receiver.LocalEndPoint.Serialize();
        _from = _receiver.CreateAddressBuffer();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
        _srtp.Dispose();
        _packetizer.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Packetize() => _packetizer.Packetize(_frame, _packet);

    [Benchmark]
    public int PacketizeAndProtect() => _srtp.Protect(_packet, _packetizer.Packetize(_frame, _packet));

    /// <summary>Send, then receive the same datagram so the socket buffer never fills (a send and a receive syscall).</summary>
    [Benchmark]
    public async ValueTask<int> PacketizeSendReceive()
    {
        var length = _packetizer.Packetize(_frame, _packet);
        await _sender.SendToAsync(_packet.AsMemory(0, length), _target);
        return await _receiver.ReceiveFromAsync(_drain, _from);
    }

    [Benchmark]
    public async ValueTask<int> PacketizeProtectSendReceive()
    {
        var length = _srtp.Protect(_packet, _packetizer.Packetize(_frame, _packet));
        await _sender.SendToAsync(_packet.AsMemory(0, length), _target);
        return await _receiver.ReceiveFromAsync(_drain, _from);
    }

    [Benchmark]
    public bool ParseHeader() => RtpHeader.TryParse(_packet.AsSpan(0, 894), out _);
}
