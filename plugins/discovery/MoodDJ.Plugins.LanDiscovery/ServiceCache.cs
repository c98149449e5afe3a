using System.Net;

namespace MoodDJ.Plugins.LanDiscovery;

/// <summary>What mDNS answers said about MoodDJ services: each instance's swarm, port and host, each host's address, with expiry.</summary>
internal sealed class ServiceCache
{
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (IPAddress Address, DateTime Expires)> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public void Add(IEnumerable<DnsRecord> records, DateTime now)
    {
        lock (_gate)
            foreach (var r in records)
            {
                var expires = now.AddSeconds(r.Ttl);
                switch (r.Type)
                {
                    case DnsType.Ptr when r.Name.Equals(LanPeerDiscovery.ServiceType, StringComparison.OrdinalIgnoreCase) && r.Target is not null:
                        if (r.Ttl == 0) _instances.Remove(r.Target); // goodbye
                        else Get(r.Target).Expires = expires;
                        break;
                    case DnsType.Srv when IsOurs(r.Name):
                        var srv = Get(r.Name);
                        (srv.Port, srv.Host, srv.Expires) = (r.Port, r.Target, r.Ttl == 0 ? now : expires);
                        break;
                    case DnsType.Txt when IsOurs(r.Name):
                        Get(r.Name).Swarm = r.Texts.FirstOrDefault(t => t.StartsWith("swarm=", StringComparison.Ordinal))?[6..].ToLowerInvariant();
                        break;
                    case DnsType.A when r.Address is not null:
                        _hosts[r.Name] = (r.Address, expires);
                        break;
                }
            }
    }

    public IReadOnlyList<(string Instance, IPEndPoint EndPoint)> Find(string swarm, DateTime now)
    {
        lock (_gate)
            return _instances
                .Where(i => i.Value.Swarm == swarm && i.Value.Expires > now && i.Value.Port != 0 && i.Value.Host is not null
                    && _hosts.TryGetValue(i.Value.Host, out var h) && h.Expires > now)
                .Select(i => (i.Key, new IPEndPoint(_hosts[i.Value.Host!].Address, i.Value.Port)))
                .ToArray();
    }

    private static bool IsOurs(string name) => name.EndsWith("." + LanPeerDiscovery.ServiceType, StringComparison.OrdinalIgnoreCase);

    /// <summary>A flood of made-up instances cannot grow the cache past this; the extras are dropped.</summary>
    public const int MaxInstances = 1024;

    private Instance Get(string name)
    {
        if (_instances.TryGetValue(name, out var instance)) return instance;
        if (_instances.Count >= MaxInstances)
        {
            var now = DateTime.UtcNow;
            foreach (var stale in _instances.Where(i => i.Value.Expires <= now).Select(i => i.Key).ToArray()) _instances.Remove(stale);
            if (_instances.Count >= MaxInstances) return new Instance(); // remembered nowhere
        }
        _instances[name] = instance = new Instance();
        return instance;
    }

    private sealed class Instance
    {
        public string? Swarm;
        public ushort Port;
        public string? Host;
        public DateTime Expires;
    }
}
