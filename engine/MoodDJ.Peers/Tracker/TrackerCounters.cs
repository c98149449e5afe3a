namespace MoodDJ.Peers.Tracker;

/// <summary>What a <see cref="UdpTrackerServer"/> has seen: good requests and each kind of bad input.</summary>
public readonly record struct TrackerCounters(
    long Connects,
    long Announces,
    long Scrapes,
    long Junk,
    long Truncated,
    long Oversized,
    long Spoofed,
    long UnknownAction,
    long Refused,
    long Failures,
    int Swarms,
    int Peers)
{
    /// <summary>Every datagram dropped or refused as bad input.</summary>
    public long Bad => Junk + Truncated + Oversized + Spoofed + UnknownAction;

    public override string ToString() =>
        $"{Swarms} swarms, {Peers} peers; {Connects} connects, {Announces} announces, {Scrapes} scrapes; " +
        $"bad: {Junk} junk, {Truncated} truncated, {Oversized} oversized, {Spoofed} bad connection id, {UnknownAction} unknown action; {Refused} refused by limits";
}
