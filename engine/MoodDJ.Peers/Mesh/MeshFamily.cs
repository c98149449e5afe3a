using System.Diagnostics;
using System.Net;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// A peer's parents, children, candidate parents and pending attach, under one lock. The media
/// path reads <see cref="Children"/> and <see cref="FindParent"/> without allocating; everything
/// that changes membership rebuilds an array (rare: attach, leave, silence).
/// </summary>
internal sealed class MeshFamily(long self, MeshPeerOptions options, int maxHops)
{
    private readonly Lock _gate = new();
    private MeshLink[] _parents = [];
    private MeshLink[] _children = [];
    private readonly Queue<MeshCandidateDto> _candidates = new();
    private (MeshCandidateDto Candidate, IPEndPoint EndPoint, long Deadline)? _pending;

    public long Self => self;

    public bool Direct { get; set; }

    public MeshLink[] Parents => Volatile.Read(ref _parents);

    public MeshLink[] Children => Volatile.Read(ref _children);

    /// <summary>Hops from the station: 1 when fed directly, else the nearest parent's plus one; 0 while unfed.</summary>
    public int Hops
    {
        get
        {
            if (Direct) return 1;
            var best = 0;
            foreach (var p in Parents)
                if (best == 0 || p.Hops + 1 < best) best = p.Hops + 1;
            return best;
        }
    }

    public bool Fed => Direct || Parents.Length > 0;

    /// <summary>What this peer tells its children: its first parent's ancestry and itself.</summary>
    public long[] Ancestry()
    {
        var parents = Parents;
        if (Direct || parents.Length == 0) return [self];
        return [.. parents[0].Ancestry, self];
    }

    public MeshLink? FindParent(System.Net.SocketAddress from)
    {
        foreach (var p in Parents)
            if (p.Is(from)) return p;
        return null;
    }

    public MeshLink? FindChild(System.Net.SocketAddress from)
    {
        foreach (var c in Children)
            if (c.Is(from)) return c;
        return null;
    }

    public bool WantsParent => !Direct && Parents.Length < options.Parents;

    public void SetCandidates(IEnumerable<MeshCandidateDto> candidates)
    {
        lock (_gate)
        {
            _candidates.Clear();
            foreach (var c in candidates)
                if (c.PeerId != self) _candidates.Enqueue(c);
        }
    }

    public int CandidateCount { get { lock (_gate) return _candidates.Count; } }

    public bool AttachPending { get { lock (_gate) return _pending is not null; } }

    /// <summary>The next candidate to send an attach to (not already a parent), or null when none is left.</summary>
    public IPEndPoint? NextAttach(long now)
    {
        lock (_gate)
        {
            if (_pending is { } p && now < p.Deadline) return null;
            _pending = null;
            while (_candidates.TryDequeue(out var c))
            {
                if (Array.Exists(_parents, l => l.Id == c.PeerId)) continue;
                if (!IPAddress.TryParse(c.Host, out var ip) || c.Port is < 1 or > 65535) continue;
                var endPoint = new IPEndPoint(ip, c.Port);
                _pending = (c, endPoint, now + (long)(options.AttachTimeout.TotalSeconds * Stopwatch.Frequency));
                return endPoint;
            }
            return null;
        }
    }

    /// <summary>The pending attach was answered by <paramref name="from"/> (accepted or refused): true when it matches.</summary>
    public bool Answered(IPEndPoint from)
    {
        lock (_gate)
        {
            if (_pending is not { } p || !p.EndPoint.Equals(from)) return false;
            _pending = null;
            return true;
        }
    }

    public MeshLink AddParent(long id, IPEndPoint endPoint, int hops, long[] ancestry, long now)
    {
        lock (_gate)
        {
            var link = new MeshLink(id, endPoint) { Hops = hops, Ancestry = ancestry, LastHeard = now };
            Volatile.Write(ref _parents, [.. Array.FindAll(_parents, p => p.Id != id), link]);
            return link;
        }
    }

    public bool RemoveParent(MeshLink parent)
    {
        lock (_gate)
        {
            var kept = Array.FindAll(_parents, p => !ReferenceEquals(p, parent));
            if (kept.Length == _parents.Length) return false;
            Volatile.Write(ref _parents, kept);
            return true;
        }
    }

    /// <summary>Decides an attach from <paramref name="child"/> (ticket already checked): null accepted, else the reason.</summary>
    public RefuseReason? TryAddChild(long child, IPEndPoint endPoint, long now, out MeshLink? link)
    {
        lock (_gate)
        {
            link = Array.Find(_children, c => c.Id == child && c.EndPoint.Equals(endPoint));
            if (link is not null)
            {
                link.LastHeard = now;
                return null;
            }
            if (!Fed) return RefuseReason.NotFed;
            if (_children.Length >= options.MaxChildren) return RefuseReason.Full;
            if (child == self || Array.Exists(_parents, p => p.Id == child || Array.IndexOf(p.Ancestry, child) >= 0)) return RefuseReason.Loop;
            if (Hops + 1 > maxHops) return RefuseReason.TooDeep;
            link = new MeshLink(child, endPoint) { LastHeard = now };
            Volatile.Write(ref _children, [.. Array.FindAll(_children, c => c.Id != child), link]);
            return null;
        }
    }

    public bool RemoveChild(MeshLink child)
    {
        lock (_gate)
        {
            var kept = Array.FindAll(_children, c => !ReferenceEquals(c, child));
            if (kept.Length == _children.Length) return false;
            Volatile.Write(ref _children, kept);
            return true;
        }
    }

    /// <summary>Drops children not heard from within the expiry; returns how many.</summary>
    public int ExpireChildren(long now)
    {
        var expiry = (long)(options.ChildExpiry.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            var kept = Array.FindAll(_children, c => now - Volatile.Read(ref c.LastHeard) <= expiry);
            var gone = _children.Length - kept.Length;
            if (gone > 0) Volatile.Write(ref _children, kept);
            return gone;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Volatile.Write(ref _parents, []);
            Volatile.Write(ref _children, []);
            _candidates.Clear();
            _pending = null;
        }
    }
}
