using System.Collections.Concurrent;
using System.Net;

namespace MoodDJ.Peers.Swarm;

/// <summary>What a download or a seeder saw: bytes by peer, and every misbehaviour counted by kind.</summary>
public sealed class SwarmStats
{
    private long _badPieces, _violations, _timeouts, _uploaded;

    public ConcurrentDictionary<IPEndPoint, long> DownloadedFrom { get; } = new();
    public ConcurrentDictionary<IPEndPoint, string> Banned { get; } = new();
    /// <summary>Pieces whose hash did not match; each bans the one peer that sent it.</summary>
    public long BadPieces => Interlocked.Read(ref _badPieces);
    /// <summary>Wire messages that broke the protocol: bad lengths, indexes out of range, unrequested blocks.</summary>
    public long ProtocolViolations => Interlocked.Read(ref _violations);
    /// <summary>Requests left unanswered past <see cref="SwarmOptions.RequestTimeout"/>.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);
    public long UploadedBytes => Interlocked.Read(ref _uploaded);

    internal void AddDownloaded(IPEndPoint peer, int bytes) => DownloadedFrom.AddOrUpdate(peer, bytes, (_, total) => total + bytes);
    internal void BadPiece() => Interlocked.Increment(ref _badPieces);
    internal void Violation() => Interlocked.Increment(ref _violations);
    internal void Timeout() => Interlocked.Increment(ref _timeouts);
    internal void AddUploaded(int bytes) => Interlocked.Add(ref _uploaded, bytes);
}
