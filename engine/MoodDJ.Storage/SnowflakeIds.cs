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
    // Backdated ids take sequence numbers from here up within their millisecond, apart from live ones (0 up).
    private const long BackdatedFirst = 1 << (SequenceBits - 1);
    private readonly Dictionary<long, long> _backdated = [];

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

    /// <summary>
    /// An id that sorts at <paramref name="at"/>, a moment already past (a message written offline and
    /// delivered later), or <see cref="Next"/> when it is not past. Within its millisecond it takes
    /// sequence numbers from 2,048 up, which live ids reach only past 2,048 ids in one millisecond of one
    /// node, so the two do not collide; ids backdated to one millisecond grow in the order asked.
    /// </summary>
    public long At(DateTimeOffset at)
    {
        var ms = Math.Max(0, (long)(at - Epoch).TotalMilliseconds);
        lock (_gate)
        {
            var now = (long)(_time.GetUtcNow() - Epoch).TotalMilliseconds;
            while (ms < now && ms < _lastMs)
            {
                if (_backdated.Count > 100_000) _backdated.Clear(); // bounded: a restart forgets them too
                var sequence = _backdated.TryGetValue(ms, out var next) ? next : BackdatedFirst;
                if (sequence <= SequenceMask)
                {
                    _backdated[ms] = sequence + 1;
                    return (ms << (NodeBits + SequenceBits)) | ((long)Node << SequenceBits) | sequence;
                }
                ms++; // this millisecond's backdated numbers are used up: borrow the next one
            }
        }
        return Next();
    }

    /// <summary>When the id was made (to the millisecond).</summary>
    public static DateTimeOffset TimeOf(long id) => Epoch.AddMilliseconds(id >> (NodeBits + SequenceBits));

    public static int NodeOf(long id) => (int)((id >> SequenceBits) & MaxNode);
}
