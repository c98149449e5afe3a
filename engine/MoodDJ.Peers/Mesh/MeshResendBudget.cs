using System.Diagnostics;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// How many packets one child (or one directly fed peer, at the station) may have resent per second
/// after a nack: enough to repair 10 % loss of a 100 packets/s stream twice over, and a cap on what a
/// spoofed nack can make a parent send.
/// </summary>
public struct MeshResendBudget
{
    public const int PerSecond = 50;

    private long _windowStart;
    private int _used;

    /// <summary>Takes one resend from the budget; false when this second's are spent.</summary>
    public bool TryTake()
    {
        var now = Stopwatch.GetTimestamp();
        if (now - _windowStart >= Stopwatch.Frequency)
        {
            _windowStart = now;
            _used = 0;
        }
        if (_used >= PerSecond) return false;
        _used++;
        return true;
    }
}
