using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Bench;

/// <summary>
/// SRTP per packet: protect + unprotect of one RTP packet with an 882-byte payload (10 ms of 44.1 kHz
/// mono L16), AES_CM_128_HMAC_SHA1_80. `dotnet run -c Release --project bench/MoodDJ.Bench -- --filter '*SrtpProtect*'`
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
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public int Protect()
    {
        // Protect only: the receiver is not involved, so each call is a new packet.
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _sequence++);
        return _sender.Protect(_packet, 12 + Payload);
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
