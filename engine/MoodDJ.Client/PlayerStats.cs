using MoodDJ.Media;

namespace MoodDJ.Client;

/// <summary>
/// What a player has seen so far. <see cref="Lost"/> counts sequence numbers that never arrived;
/// <see cref="Late"/> ones that arrived after their play-out; <see cref="Concealed"/> frames played
/// from concealment (lost or late); <see cref="Junk"/> datagrams that were not a packet of this stream;
/// <see cref="Recovered"/> concealed frames decoded from the next packet, already held (Opus rebuilds them from its in-band FEC when it carries some);
/// <see cref="Unauthenticated"/> SRTP packets that failed authentication; <see cref="Replayed"/> SRTP packets
/// the replay window refused (network duplicates included, which <see cref="Duplicates"/> also counts).
/// </summary>
public readonly record struct PlayerStats(
    long Datagrams,
    long Received,
    long Lost,
    long Late,
    long Duplicates,
    long Played,
    long Concealed,
    long Underruns,
    long Overflows,
    long Junk,
    long Unauthenticated,
    long DecodeErrors,
    long SenderReports,
    TimeSpan Buffered,
    TimeSpan Target,
    long Replayed = 0,
    long Recovered = 0)
{
    public override string ToString() =>
        $"received {Received}, lost {Lost}, late {Late}, dup {Duplicates}, concealed {Concealed}, underruns {Underruns}, " +
        $"junk {Junk}, unauthenticated {Unauthenticated}, decode errors {DecodeErrors}, buffered {Buffered.TotalMilliseconds:0} ms (target {Target.TotalMilliseconds:0} ms)";
}
