namespace MoodDJ.Peers.Mesh;

/// <summary>
/// What a relaying peer has seen: packets forwarded, forged or altered packets dropped (never played
/// or forwarded), duplicates and replays dropped by the sequence window, datagrams that were neither,
/// parents dropped (silent, forging, looping) and how long the last and the longest re-attach took.
/// </summary>
public readonly record struct MeshPeerStats(
    long Verified, long Forwarded, long Forged, long Duplicates, long Junk, long UnknownKey, long ParentsDropped, long ForgersDropped,
    long Reattaches, TimeSpan LastReattach, TimeSpan LongestReattach, int Hops, int Parents, int Children, bool Direct)
{
    public override string ToString() =>
        $"{(Direct ? "fed by the station" : $"{Parents} parent(s)")}, {Children} child(ren), hops {Hops}, forwarded {Forwarded}, forged {Forged}, " +
        $"dup {Duplicates}, re-attaches {Reattaches} (longest {LongestReattach.TotalMilliseconds:0} ms)";
}
