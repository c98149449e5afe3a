using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using MoodDJ.Abstractions.Discovery;

namespace MoodDJ.Plugins.LanDiscovery;

/// <summary>
/// mDNS/DNS-SD discovery (RFC 6762/6763) on the BCL. Each announced swarm is a service instance of
/// <c>_mooddj._udp.local</c> whose TXT record carries <c>swarm=&lt;40 hex&gt;</c>; its SRV names this
/// host and port, and an A record the address. Announcing sends the records twice (RFC 6762 §8.3);
/// queries for them are answered; browsing sends a PTR query and collects every answer heard for
/// <see cref="LanDiscoverySettings.BrowseMs"/>. Leaving sends a goodbye (TTL 0). No probing: instance
/// and host names carry random suffixes, so conflicts are not expected. Malformed packets are counted and ignored.
/// </summary>
public sealed class LanPeerDiscovery : IPeerDiscovery, IAsyncDisposable
{
    public const string ServiceType = "_mooddj._udp.local";
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.251");

    private readonly LanDiscoverySettings _settings;
    private readonly IPEndPoint _groupEndPoint;
    private readonly string _hostName = $"mooddj-{Random.Shared.Next():x8}.local";
    private readonly Dictionary<string, Own> _own = new(StringComparer.OrdinalIgnoreCase);
    private readonly ServiceCache _cache = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task _receive = Task.CompletedTask;
    private long _malformed;

    public LanPeerDiscovery(LanDiscoverySettings settings)
    {
        _settings = settings;
        _groupEndPoint = new IPEndPoint(Group, settings.Port);
    }

    /// <summary>Datagrams on the mDNS port that were not DNS messages.</summary>
    public long MalformedPackets => Interlocked.Read(ref _malformed);

    public async ValueTask AnnounceAsync(string swarmId, IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        var swarm = CheckSwarm(swarmId);
        Open();
        var address = endPoint.Address.Equals(IPAddress.Any) || endPoint.AddressFamily != AddressFamily.InterNetwork ? AdvertisedAddress() : endPoint.Address;
        var own = new Own($"mooddj-{swarm[..8]}-{Random.Shared.Next(0x1000000):x6}.{ServiceType}", swarm, (ushort)endPoint.Port, address);
        lock (_gate) _own[swarm] = own;
        await SendAsync(Response(0, [own], _settings.TtlSeconds), _groupEndPoint, cancellationToken);
        _ = RepeatAsync(own);
    }

    /// <summary>The second copy of an announcement (RFC 6762 §8.3), unless the swarm was left meanwhile.</summary>
    private async Task RepeatAsync(Own own)
    {
        try
        {
            await Task.Delay(1000, _stop.Token);
            lock (_gate)
                if (!_own.TryGetValue(own.Swarm, out var current) || current != own) return;
            await SendAsync(Response(0, [own], _settings.TtlSeconds), _groupEndPoint, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    public async ValueTask<IReadOnlyList<IPEndPoint>> FindPeersAsync(string swarmId, int maxPeers, CancellationToken cancellationToken = default)
    {
        var swarm = CheckSwarm(swarmId);
        Open();
        var query = new DnsMessage();
        query.Questions.Add(new DnsQuestion(ServiceType, DnsType.Ptr));
        await SendAsync(query, _groupEndPoint, cancellationToken);
        await Task.Delay(_settings.BrowseMs, cancellationToken);
        HashSet<string> mine;
        lock (_gate) mine = _own.Values.Select(o => o.Instance).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return _cache.Find(swarm, DateTime.UtcNow).Where(s => !mine.Contains(s.Instance)).Select(s => s.EndPoint).Distinct().Take(maxPeers).ToArray();
    }

    public async ValueTask LeaveAsync(string swarmId, CancellationToken cancellationToken = default)
    {
        Own? own;
        lock (_gate)
            if (!_own.Remove(CheckSwarm(swarmId), out own)) return;
        await SendAsync(Response(0, [own], ttl: 0), _groupEndPoint, cancellationToken);
    }

    private static string CheckSwarm(string swarmId) =>
        swarmId is { Length: 40 } && swarmId.All(Uri.IsHexDigit) ? swarmId.ToLowerInvariant()
            : throw new ArgumentException($"Swarm id '{swarmId}' is not 40 hex digits.", nameof(swarmId));

    private void Open()
    {
        lock (_gate)
        {
            if (_socket is not null) return;
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                // Other mDNS responders (avahi) share the port; on Linux a socket bound to a unicast address misses group traffic.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(IPAddress.Any, _settings.Port));
                var nic = _settings.InterfaceAddress();
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, nic ?? IPAddress.Any));
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255); // RFC 6762 §11
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);  // peers on this host too
                if (nic is not null)
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, nic.GetAddressBytes());
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new IOException($"mDNS: cannot join {Group}:{_settings.Port}{(_settings.Interface is { Length: > 0 } i ? $" on {i}" : "")}: {e.Message}. Is multicast enabled on that interface?", e);
            }
            _socket = socket;
            _receive = Task.Run(() => ReceiveLoopAsync(socket, _stop.Token));
        }
    }

    private async Task ReceiveLoopAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[9000];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try { received = await socket.ReceiveFromAsync(buffer, any, ct); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            var message = DnsMessage.TryParse(buffer.AsSpan(0, received.ReceivedBytes));
            if (message is null)
            {
                Interlocked.Increment(ref _malformed);
                continue;
            }
            try
            {
                if (message.IsResponse)
                    _cache.Add(message.Records, DateTime.UtcNow);
                else
                    await AnswerAsync(message, (IPEndPoint)received.RemoteEndPoint, ct);
            }
            catch (Exception e) when (e is SocketException or ArgumentException)
            {
                Interlocked.Increment(ref _malformed);
            }
        }
    }

    /// <summary>Answers questions about our service type, instances or host name.</summary>
    private async Task AnswerAsync(DnsMessage query, IPEndPoint from, CancellationToken ct)
    {
        Own[] matching;
        lock (_gate)
            matching = _own.Values.Where(o => query.Questions.Any(q => Asks(q, o))).ToArray();
        if (matching.Length == 0) return;
        // A query from a port other than the mDNS port is a "legacy" resolver: answer it directly, echoing its id (RFC 6762 §6.7).
        var legacy = from.Port != _settings.Port;
        var response = Response(legacy ? query.Id : (ushort)0, matching, _settings.TtlSeconds);
        if (legacy) response.Questions.AddRange(query.Questions);
        await SendAsync(response, legacy ? from : _groupEndPoint, ct);
    }

    private bool Asks(DnsQuestion q, Own own) => q.Type switch
    {
        DnsType.Ptr => q.Name.Equals(ServiceType, StringComparison.OrdinalIgnoreCase),
        DnsType.Srv or DnsType.Txt => q.Name.Equals(own.Instance, StringComparison.OrdinalIgnoreCase),
        DnsType.A => q.Name.Equals(_hostName, StringComparison.OrdinalIgnoreCase),
        DnsType.Any => q.Name.Equals(ServiceType, StringComparison.OrdinalIgnoreCase) || q.Name.Equals(own.Instance, StringComparison.OrdinalIgnoreCase) || q.Name.Equals(_hostName, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private DnsMessage Response(ushort id, IEnumerable<Own> services, int ttl)
    {
        var message = new DnsMessage { Id = id, IsResponse = true };
        foreach (var own in services)
        {
            message.Records.Add(new DnsRecord(ServiceType, DnsType.Ptr, (uint)ttl) { Target = own.Instance });
            message.Records.Add(new DnsRecord(own.Instance, DnsType.Srv, (uint)ttl, CacheFlush: true) { Port = own.Port, Target = _hostName });
            message.Records.Add(new DnsRecord(own.Instance, DnsType.Txt, (uint)ttl, CacheFlush: true) { Texts = ["v=1", $"swarm={own.Swarm}"] });
            message.Records.Add(new DnsRecord(_hostName, DnsType.A, (uint)ttl, CacheFlush: true) { Address = own.Address });
        }
        return message;
    }

    private async Task SendAsync(DnsMessage message, IPEndPoint to, CancellationToken ct)
    {
        var buffer = new byte[9000];
        var length = message.Write(buffer);
        var socket = _socket ?? throw new ObjectDisposedException(nameof(LanPeerDiscovery));
        await socket.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, to, ct);
    }

    /// <summary>The configured interface, else the first IPv4 address of an interface that is up and not loopback, else loopback.</summary>
    private IPAddress AdvertisedAddress()
    {
        if (_settings.InterfaceAddress() is { } nic) return nic;
        foreach (var adapter in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (adapter.OperationalStatus != OperationalStatus.Up || adapter.NetworkInterfaceType == NetworkInterfaceType.Loopback) continue;
            foreach (var unicast in adapter.GetIPProperties().UnicastAddresses)
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork) return unicast.Address;
        }
        return IPAddress.Loopback;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        string[] swarms;
        lock (_gate) swarms = _own.Keys.ToArray();
        foreach (var swarm in swarms)
            try { await LeaveAsync(swarm); } catch (SocketException) { }
        _stop.Cancel();
        _socket?.Dispose();
        try { await _receive; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    private sealed record Own(string Instance, string Swarm, ushort Port, IPAddress Address);
}
