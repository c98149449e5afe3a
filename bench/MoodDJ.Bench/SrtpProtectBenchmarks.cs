using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Bench;

/// <summary>
/// SRTP per packet: protect + unprotect of one RTP packet with an 882-byte payload (10 ms of 44.1 kHz
/// mono L16), AES_CM_128_HMAC_SHA1_80; and, as the station's fan-out does it, one 320-byte Opus packet
/// (20 ms at 128 kbit/s) protected for each of 1,000 listeners with their own keys, so each context is
/// cold in the cache when its turn comes (the figure is per listener).
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- --filter '*SrtpProtect*'`
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CryptoBenchConfig))]
public class SrtpProtectBenchmarks
{
    private const int Payload = 882;
    private readonly byte[] _packet = new byte[12 + Payload + SrtpContext.TagLength];
    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;
    private ushort _sequence;
    private const int Listeners = 1000;
    private const int OpusPayload = 320;
    private readonly SrtpContext[] _listeners = new SrtpContext[Listeners];
    private readonly byte[][] _listenerBuffers = new byte[Listeners][];
    private readonly byte[] _opusPacket = new byte[12 + OpusPayload];

    [GlobalSetup]
    public void Setup()
    {
        var keys = SrtpKeys.Generate();
        _sender = SrtpContext.Create(keys);
        _receiver = SrtpContext.Create(keys);
        _packet[0] = 0x80;
        _packet[1] = 11;
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(8), 0x4D6F6F44);
        RandomNumberGenerator.Fill(_packet.AsSpan(12, Payload));
        _packet.AsSpan(0, 12).CopyTo(_opusPacket);
        RandomNumberGenerator.Fill(_opusPacket.AsSpan(12));
        for (var i = 0; i < Listeners; i++)
        {
            _listeners[i] = SrtpContext.Create(SrtpKeys.Generate());
            _listenerBuffers[i] = new byte[2048];
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
        foreach (var listener in _listeners) listener.Dispose();
    }

    [Benchmark]
    public int Protect()
    {
        // Protect only: the receiver is not involved, so each call is a new packet.
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _sequence++);
        return _sender.Protect(_packet, 12 + Payload);
    }

    [Benchmark(OperationsPerInvoke = Listeners)]
    public int ProtectOpusFor1000Listeners()
    {
        // What RtpFanout does per frame: copy the packet into each listener's buffer, protect it there.
        BinaryPrimitives.WriteUInt16BigEndian(_opusPacket.AsSpan(2), _sequence++);
        var total = 0;
        for (var i = 0; i < Listeners; i++)
        {
            var buffer = _listenerBuffers[i];
            _opusPacket.CopyTo(buffer, 0);
            total += _listeners[i].Protect(buffer, _opusPacket.Length);
        }
        return total;
    }

    [Benchmark]
    public int ProtectAndUnprotect()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _sequence++);
        var length = _sender.Protect(_packet, 12 + Payload);
        if (!_receiver.TryUnprotect(_packet, length, out var rtpLength, out var error))
            throw new InvalidOperationException(error.ToString());
        return rtpLength;
    }
}
