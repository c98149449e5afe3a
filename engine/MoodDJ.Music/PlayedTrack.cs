using MoodDJ.Abstractions.Music;

namespace MoodDJ.Music;

/// <summary>Why a track stopped being the one playing.</summary>
public enum TrackEndReason
{
    /// <summary>It played to its end.</summary>
    Ended,
    /// <summary>Someone skipped it.</summary>
    Skipped,
    /// <summary>A listener said "not this one" (/dislike): skipped, and never picked for that mood again.</summary>
    Disliked,
    /// <summary>A new mood crossfaded it out.</summary>
    MoodChanged,
    /// <summary>Its decoder died (killed, broken input); the next track took over.</summary>
    Failed,
    /// <summary>The director was shut down.</summary>
    Stopped,
}

/// <summary>One entry of <see cref="MusicDirector.History"/>.</summary>
public sealed record PlayedTrack(TrackInfo Track, DateTimeOffset StartedAt, TimeSpan PlayedFor, TrackEndReason Reason, string? Error = null);

/// <summary>The playing track changed. <see cref="Current"/> is null when the program falls silent.</summary>
public sealed class TrackChangedEventArgs(TrackInfo? previous, TrackInfo? current, TrackEndReason? previousEnded) : EventArgs
{
    public TrackInfo? Previous { get; } = previous;
    public TrackInfo? Current { get; } = current;
    public TrackEndReason? PreviousEnded { get; } = previousEnded;
}
