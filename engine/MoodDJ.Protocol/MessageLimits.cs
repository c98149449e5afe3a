namespace MoodDJ.Protocol;

/// <summary>
/// Caps on reassembled messages, so a peer cannot make the other end allocate without bound.
/// Frame-level caps (frame size, queued frames) are in <see cref="MoodDJ.Abstractions.Transport.ControlLimits"/>.
/// </summary>
public sealed record MessageLimits
{
    /// <summary>Largest message (all its parts together).</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Messages whose first part has arrived but not their last, per connection.</summary>
    public int MaxPartialMessages { get; init; } = 4;

    /// <summary>Bytes reserved for partial messages (their declared sizes), per connection.</summary>
    public long MaxReassemblyBytes { get; init; } = 32L * 1024 * 1024;

    public static MessageLimits Default { get; } = new();

    /// <summary>Throws with a message naming the bad value.</summary>
    public void Validate()
    {
        if (MaxMessageBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "MaxMessageBytes must be at least 1.");
        if (MaxPartialMessages < 1) throw new ArgumentOutOfRangeException(nameof(MaxPartialMessages), MaxPartialMessages, "MaxPartialMessages must be at least 1.");
        if (MaxReassemblyBytes < MaxMessageBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxReassemblyBytes), MaxReassemblyBytes, "MaxReassemblyBytes must be at least MaxMessageBytes, or the largest message could never be reassembled.");
    }
}
