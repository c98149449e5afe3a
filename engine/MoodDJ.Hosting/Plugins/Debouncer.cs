using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// Runs an action once a burst of triggers for the same key has been quiet for <c>delay</c>
/// (copying a build output fires dozens of file events; the plugin should reload once, at the end).
/// </summary>
internal sealed class Debouncer<TKey>(TimeSpan delay, Action<TKey> action) : IDisposable where TKey : notnull
{
    private readonly Dictionary<TKey, Timer> _timers = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    public void Trigger(TKey key)
    {
        lock (_gate)
        {
            if (_disposed) return;
            if (!_timers.TryGetValue(key, out var timer))
            {
                timer = new Timer(_ => Fire(key));
                _timers[key] = timer;
            }
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire(TKey key)
    {
        lock (_gate)
        {
            if (_disposed) return;
        }
        action(key);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var timer in _timers.Values) timer.Dispose();
            _timers.Clear();
        }
    }
}
