namespace MoodDJ.Client;

/// <summary>
/// The calls a <see cref="StationClient"/> replays after reconnecting to a station that forgot it
/// (its hello says resumed: false): e.g. the last prompt. One per key; a later call with the same
/// key replaces it; order is kept.
/// </summary>
internal sealed class ResumeCalls
{
    private readonly Lock _gate = new();
    private readonly List<(string Key, string Method, object? Params)> _calls = [];

    public void Set(string key, string method, object? parameters)
    {
        lock (_gate)
        {
            var index = _calls.FindIndex(c => c.Key == key);
            if (index >= 0) _calls[index] = (key, method, parameters);
            else _calls.Add((key, method, parameters));
        }
    }

    public void Remove(string key)
    {
        lock (_gate) _calls.RemoveAll(c => c.Key == key);
    }

    public (string Key, string Method, object? Params)[] Snapshot()
    {
        lock (_gate) return [.. _calls];
    }
}
