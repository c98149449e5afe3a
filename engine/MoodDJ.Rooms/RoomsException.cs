namespace MoodDJ.Rooms;

/// <summary>Why a rooms request was refused; the control methods map each to a JSON-RPC error code.</summary>
public enum RoomsError { Invalid, Taken, Unauthorized, Forbidden, RateLimited, NotFound, Unavailable, Busy }

/// <summary>A refusal the user can act on: the message says what was wrong and what to do.</summary>
public sealed class RoomsException(RoomsError error, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public RoomsError Error { get; } = error;
    /// <summary>For <see cref="RoomsError.RateLimited"/>: when to try again.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
