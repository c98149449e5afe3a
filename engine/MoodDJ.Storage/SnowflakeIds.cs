namespace MoodDJ.Storage;

/// <summary>
/// Message ids that sort by time and never collide (Twitter's and Discord's Snowflake layout):
/// 41 bits of milliseconds since 2026-01-01 UTC, 10 bits of node (each server of a shared database
/// takes its own), 12 bits of sequence within the millisecond. Ids from one generator strictly grow:
/// a clock that steps back, or a 4,097th id within one millisecond, borrows the next millisecond
/// rather than repeat or wait.
/// </summary>
public sealed class SnowflakeIds
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const int NodeBits = 10;
    public const int SequenceBits = 12;
    public const int MaxNode = (1 << NodeBits) - 1;
    private const long SequenceMask = (1 << SequenceBits) - 1;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private long _lastMs = -1;
    private long _sequence;

    public SnowflakeIds(int node, TimeProvider? time = null)
    {
        if (node is < 0 or > MaxNode)
            throw new ArgumentOutOfRangeException(nameof(node), node, $"A Snowflake node is 0 to {MaxNode}; give each server of one database its own.");
        Node = node;
        _time = time ?? TimeProvider.System;
    }

    public int Node { get; }

    public long Next()
    {
        var now = (long)(_time.GetUtcNow() - Epoch).TotalMilliseconds;
        lock (_gate)
        {
            if (now > _lastMs)
            {
                _lastMs = now;
                _sequence = 0;
            }
            else if (++_sequence > SequenceMask)
            {
                _lastMs++;
                _sequence = 0;
            }
            return (_lastMs << (NodeBits + SequenceBits)) | ((long)Node << SequenceBits) | _sequence;
        }
    }

    /// <summary>When the id was made (to the millisecond).</summary>
    public static DateTimeOffset TimeOf(long id) => Epoch.AddMilliseconds(id >> (NodeBits + SequenceBits));

    public static int NodeOf(long id) => (int)((id >> SequenceBits) & MaxNode);
}
