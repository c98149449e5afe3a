using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MoodDJ.Station;

/// <summary>
/// One subscribed receiver: where its datagrams go, the key they are protected with, and when it was
/// last heard from. The pump reads it on every frame; everything it touches per packet is preallocated.
/// </summary>
public sealed class Listener
{
    /// <summary>Largest datagram the station sends (RTP header + ≤ 1200 payload + SRTP tag), with room to spare.</summary>
    public const int MaxDatagramBytes = 1500;

    private long _lastHeard;
    private long _packetsSent;
    private long _sendErrors;
    private long _framesSkipped;
    private int _sending;
    private int _retired;
    private int _protectorDisposed;

    internal Listener(long id, UInt128 token, string sessionId, IPEndPoint endPoint, IRtpProtector protector, long now, string? name = null, MeshPeer? mesh = null)
    {
        Mesh = mesh;
        Name = string.IsNullOrEmpty(name) ? endPoint.ToString() : name;
        Id = id;
        Token = token;
        SessionId = sessionId;
        EndPoint = endPoint;
        Address = endPoint.Serialize();
        (NativeAddress, NativeAddressLength) = Sockaddr(endPoint);
        Protector = protector;
        _lastHeard = now;
        Since = DateTimeOffset.UtcNow;
    }

    public long Id { get; }

    /// <summary>The heartbeat token: a 128-bit secret handed out only over the sealed control channel.</summary>
    public UInt128 Token { get; }

    /// <summary>The control session that subscribed it.</summary>
    public string SessionId { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>How the station shows this listener (the name its client gave, or its address).</summary>
    public string Name { get; }

    /// <summary>The endpoint serialized once, so each send skips that work and allocates nothing.</summary>
    internal SocketAddress Address { get; }

    public IRtpProtector Protector { get; }

    /// <summary>The mesh state of a relaying peer (null for a plain player).</summary>
    public MeshPeer? Mesh { get; }

    /// <summary>
    /// A relaying peer the station does not feed itself (it gets the stream from parents), or one whose punch
    /// has not reached the stream port yet and that is under a second old: the fan-out skips it. The wait lets
    /// a peer behind a NAT open its mapping toward the stream port first (its player sends an RTCP report there
    /// from its stream socket as it starts); a packet arriving earlier would make the NAT pick another port for
    /// that mapping, and the stream would never get in. Only the punch itself, seen on the stream port from this
    /// listener's address, says the mapping is open (a heartbeat leaves from another socket). After a second a
    /// peer that sends no punch (not a StationPlayer) is fed anyway.
    /// </summary>
    internal bool FedByPeers => Mesh is { } mesh && (!mesh.Direct || (Volatile.Read(ref _punched) == 0 && Environment.TickCount64 < _feedFrom));

    private int _punched;
    private readonly long _feedFrom = Environment.TickCount64 + 1000;

    /// <summary>Something (its NAT punch, an RTCP report) came to the stream port from this listener's address.</summary>
    internal void MarkPunched() => Volatile.Write(ref _punched, 1);

    internal bool Punched => Volatile.Read(ref _punched) == 1;

    public DateTimeOffset Since { get; }

    private ListenerReport? _report;

    /// <summary>What the listener's player last reported about its reception (null until it reports).</summary>
    public ListenerReport? Report => Volatile.Read(ref _report);

    internal void Record(ListenerReport report) => Volatile.Write(ref _report, report);

    /// <summary>This listener's own datagram buffer: it never has more than one send in flight. Pinned, for sendmmsg.</summary>
    internal byte[] Buffer { get; } = GC.AllocateArray<byte>(MaxDatagramBytes, pinned: true);

    internal unsafe void* BufferPointer => Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Buffer));

    /// <summary>The endpoint as the kernel's sockaddr_in/sockaddr_in6 (pinned), for sendmmsg.</summary>
    internal byte[] NativeAddress { get; }

    internal int NativeAddressLength { get; }

    internal unsafe void* NativeAddressPointer => Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(NativeAddress));

    /// <summary>Linux's sockaddr_in (16 bytes) or sockaddr_in6 (28): family in host order, port and address in network order.</summary>
    private static (byte[] Address, int Length) Sockaddr(IPEndPoint endPoint)
    {
        var native = GC.AllocateArray<byte>(28, pinned: true);
        var v6 = endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        BinaryPrimitives.WriteUInt16LittleEndian(native, (ushort)(v6 ? 10 : 2));
        BinaryPrimitives.WriteUInt16BigEndian(native.AsSpan(2), (ushort)endPoint.Port);
        if (v6)
        {
            endPoint.Address.TryWriteBytes(native.AsSpan(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(native.AsSpan(24), (uint)endPoint.Address.ScopeId);
            return (native, 28);
        }
        endPoint.Address.TryWriteBytes(native.AsSpan(4, 4), out _);
        return (native, 16);
    }

    public long PacketsSent => Volatile.Read(ref _packetsSent);

    public long SendErrors => Volatile.Read(ref _sendErrors);

    /// <summary>Frames not sent because the previous send to this listener had not finished.</summary>
    public long FramesSkipped => Volatile.Read(ref _framesSkipped);

    internal long LastHeard => Volatile.Read(ref _lastHeard);

    internal void Touch(long now)
    {
        Volatile.Write(ref _lastHeard, now);
    }

    /// <summary>True once the listener left the registry; its protector is (or is about to be) disposed.</summary>
    public bool Retired => Volatile.Read(ref _retired) == 1;

    /// <summary>Claims the buffer for one send; false while an earlier send is still in flight, or after it left.</summary>
    internal bool TryBeginSend()
    {
        if (Retired) return false;
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
            return true;
        Interlocked.Increment(ref _framesSkipped);
        return false;
    }

    internal void EndSend(bool ok)
    {
        if (ok) Interlocked.Increment(ref _packetsSent);
        else Interlocked.Increment(ref _sendErrors);
        Volatile.Write(ref _sending, 0);
        if (Retired && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
            DisposeProtector();
    }

    /// <summary>
    /// Called when the listener leaves the registry. The pump may still hold it in its snapshot and
    /// be protecting a packet with its key, so the protector is disposed by whichever comes last:
    /// this call (no send in flight) or the end of that send.
    /// </summary>
    internal void Retire()
    {
        Volatile.Write(ref _retired, 1);
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
            DisposeProtector();
    }

    private void DisposeProtector()
    {
        if (Interlocked.Exchange(ref _protectorDisposed, 1) == 0 && Protector is IDisposable disposable)
            disposable.Dispose();
    }

    public override string ToString() => $"listener {Id} at {EndPoint}";
}

/// <summary>A listener's own account of its reception: packets received, lost and late, and its jitter buffer.</summary>
public sealed record ListenerReport(long Received, long Lost, long Late, int BufferedMs, int TargetMs, DateTimeOffset At)
{
    /// <summary>Lost packets as a share of those expected, in percent.</summary>
    public double LossPercent => Received + Lost == 0 ? 0 : 100.0 * Lost / (Received + Lost);

    public override string ToString() =>
        $"loss {LossPercent.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} %, late {Late}, buffer {BufferedMs} ms (target {TargetMs} ms)";
}
