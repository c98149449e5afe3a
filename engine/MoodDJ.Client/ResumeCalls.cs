namespace MoodDJ.Client;

/// <summary>
/// The calls a <see cref="StationClient"/> replays after reconnecting: to a station that forgot it
/// (its hello says resumed: false) all of them, e.g. the last prompt; to one that still knows it only
/// those marked <c>EveryConnection</c>, state the server keeps per connection (a room login, the
/// rooms joined). One per key; a later call with the same key replaces it; order is kept.
/// </summary>
internal sealed class ResumeCalls
{
    private readonly Lock _gate = new();
    private readonly List<(string Key, string Method, object? Params, bool EveryConnection)> _calls = [];

    public void Set(string key, string method, object? parameters, bool everyConnection = false)
    {
        lock (_gate)
        {
            var index = _calls.FindIndex(c => c.Key == key);
            if (index >= 0) _calls[index] = (key, method, parameters, everyConnection);
            else _calls.Add((key, method, parameters, everyConnection));
        }
    }

    public void Remove(string key)
    {
        lock (_gate) _calls.RemoveAll(c => c.Key == key);
    }

    public (string Key, string Method, object? Params, bool EveryConnection)[] Snapshot()
    {
        lock (_gate) return [.. _calls];
    }
}
