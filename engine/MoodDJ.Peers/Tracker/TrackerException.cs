namespace MoodDJ.Peers.Tracker;

/// <summary>A tracker failed, answered wrongly or said no; the message names the tracker and what was wrong.</summary>
public sealed class TrackerException(string message, Exception? inner = null) : Exception(message, inner);
