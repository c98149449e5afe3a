namespace MoodDJ.Peers.Mesh;

/// <summary>How a relaying peer behaves in the mesh (the <c>peer</c> section of mooddj.json).</summary>
public sealed record MeshPeerOptions
{
    /// <summary>Children this peer feeds at most (peer:maxChildren).</summary>
    public int MaxChildren { get; init; } = 4;

    /// <summary>Parents it takes the stream from at once: 2 de-duplicates by sequence number, so losing one loses nothing (peer:parents).</summary>
    public int Parents { get; init; } = 1;

    /// <summary>A parent silent this long (no valid packet, no path message) is dropped and replaced (peer:parentSilenceMs).</summary>
    public TimeSpan ParentSilence { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long an attach waits for accept or refuse before the next candidate is tried.</summary>
    public TimeSpan AttachTimeout { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>A parent tells each child its path this often (liveness between packets, and loop checks).</summary>
    public TimeSpan PathInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A child tells each parent it is still there this often.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A child not heard from for this long loses its slot.</summary>
    public TimeSpan ChildExpiry { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Forged or altered packets from one parent before it is dropped.</summary>
    public int ForgeryLimit { get; init; } = 3;

    /// <summary>Wait between two <c>meshParents</c> questions to the station.</summary>
    public TimeSpan AskInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A peer leaving on purpose tells its parents and children (false models a crash, for tests).</summary>
    public bool LeaveGracefully { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        if (MaxChildren is < 0 or > 64) throw new ArgumentException("peer:maxChildren must be 0..64.");
        if (Parents is < 1 or > 2) throw new ArgumentException("peer:parents must be 1 or 2.");
        if (ParentSilence < TimeSpan.FromMilliseconds(50) || ParentSilence > TimeSpan.FromSeconds(30))
            throw new ArgumentException("peer:parentSilenceMs must be 50..30000.");
    }
}
