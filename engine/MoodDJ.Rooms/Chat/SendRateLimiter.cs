using System.Collections.Concurrent;

namespace MoodDJ.Rooms.Chat;

/// <summary>
/// A token bucket per user: <c>burst</c> messages at once, refilled at <c>perSecond</c>. A flood is
/// refused with how long to wait; a user who writes at a human pace never meets it.
/// </summary>
public sealed class SendRateLimiter(int burst, double perSecond, TimeProvider? time = null)
{
    private sealed class Bucket
    {
        public double Tokens;
        public long Stamp;
    }

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<long, Bucket> _buckets = new();

    public void Take(long userId)
    {
        var now = _time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(userId, _ => new Bucket { Tokens = burst, Stamp = now });
        lock (bucket)
        {
            bucket.Tokens = Math.Min(burst, bucket.Tokens + _time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * perSecond);
            bucket.Stamp = now;
            if (bucket.Tokens < 1)
            {
                var wait = TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond);
                throw new RoomsException(RoomsError.RateLimited,
                    $"You are sending too fast (at most {burst} messages at once, then {perSecond:0.##} a second); wait {wait.TotalSeconds:0.0} s.", wait);
            }
            bucket.Tokens -= 1;
        }
    }
}
